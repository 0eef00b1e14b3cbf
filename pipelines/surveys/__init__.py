"""Surveys: the policy survey (NDPC policy dimensions, country comparisons) and the participant
follow-up survey (programme outcomes), both driven by a codebook the user edits.

- :mod:`pipelines.surveys.codebook`: the codebook and answer-label files, and how one cell
  becomes a score, a "don't know", a "not applicable" or a quarantined answer.
- :mod:`pipelines.surveys.responses`: wide response exports (CSV/XLSX, item codes or question
  texts as headers) unpivoted to one row per answer, with quarantine and reconciliation counts.
- :mod:`pipelines.surveys.scoring`: means, medians, t-based confidence intervals, the
  Nordic vs North-West Russia comparison.
- :mod:`pipelines.surveys.followup`: the follow-up survey registry and the linkage of
  respondents to participants' person keys.

The file formats are described in docs/surveys.md.
"""
