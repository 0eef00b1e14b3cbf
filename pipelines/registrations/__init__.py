"""Registration exports: reading (any format/language), normalising, quarantining, identity.

The reader's public API lives in :mod:`pipelines.registrations.reader`
(``read_registration_file``, ``explain_file``, ``load_overrides``, ``RegistrationFileError``);
identity resolution in :mod:`pipelines.registrations.identity`.
"""
