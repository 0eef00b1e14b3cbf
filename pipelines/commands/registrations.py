"""`cci check FILE` (what the pipeline would make of one registration export) and `cci forget` (erasure).

Both use the pipeline's own code: `check` runs `explain_file` / `read_registration_file`, the
erasure tombstones and the version rule exactly as the ingest does; `forget` writes the
tombstone the ingest reads. See docs/registrations.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pipelines import settings
from pipelines.cli_support import CliError, add_data_dir, configure

DEFAULT_REASON = "erasure request (GDPR Art. 17)"


def register(subparsers: argparse._SubParsersAction) -> None:
    check = subparsers.add_parser(
        "check",
        help="show what the pipeline would make of one registration export (changes nothing)",
        description="Read one registration export the way the pipeline does and report format, encoding, "
        "header, column mapping, rows that would be staged and rows that would be quarantined (with reasons). "
        "Exit status 0 when the file is loadable.",
    )
    check.add_argument("file", type=Path, help="the export (CSV, TSV, TXT, XLSX, XLS)")
    check.add_argument("--event", help="event id (default: the folder name under registrations/<event_id>/)")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    add_data_dir(check)
    check.set_defaults(handler=cmd_check)

    forget = subparsers.add_parser(
        "forget",
        help="erase a person: record a tombstone so no build brings their rows back (GDPR Art. 17)",
        description="Record an erasure tombstone (a keyed hash, never the plain value) in "
        "<data dir>/erasure/tombstones.csv. Every later build drops the matching rows. With --purge-raw the "
        "rows are also removed from the raw export files.",
    )
    who = forget.add_mutually_exclusive_group(required=True)
    who.add_argument("--email", help="the person's email address (every row with it, in every event)")
    who.add_argument("--name", help='the person\'s name as written in the export, e.g. "First Last" (needs --event)')
    forget.add_argument("--event", help="the event of a --name request")
    forget.add_argument("--reason", default=DEFAULT_REASON, help=f"why (no personal data; default: {DEFAULT_REASON!r})")
    forget.add_argument("--purge-raw", action="store_true",
                        help="also delete the person's rows from the raw files (CSV/TSV in their encoding, XLSX)")
    add_data_dir(forget)
    forget.set_defaults(handler=cmd_forget)


# --------------------------------------------------------------------------------------
# cci check
# --------------------------------------------------------------------------------------


def _locate(path: Path) -> tuple[Path, str | None]:
    """(raw root, event folder) of a file under ``…/registrations/<event_id>/``, else the data dir's raw root."""
    from pipelines.registrations.reader import event_id_from_path

    folder_event = event_id_from_path(path.resolve())
    if folder_event is not None:
        for parent in path.resolve().parents:
            if parent.name == "registrations":
                return parent.parent, folder_event
    return settings.raw_dir(), None


def known_events(raw_root: Path) -> set[str] | None:
    """Event ids of ``events/events.csv``; None when there is no registry to check against."""
    import polars as pl

    registry = raw_root / "events" / "events.csv"
    if not registry.is_file():
        return None
    try:
        return set(pl.read_csv(registry, infer_schema=False, encoding="utf8-lossy")["event_id"].drop_nulls().to_list())
    except Exception:  # a broken registry is the pipeline's to report; check only reads registrations
        return None


def check_file(path: Path, event: str | None = None) -> dict[str, Any]:
    """The report of ``cci check`` as data: explain_file's, plus event, erasure and version status."""
    from pipelines import privacy
    from pipelines.registrations import erasure
    from pipelines.registrations.reader import (
        MappingFileError,
        explain_file,
        load_overrides,
        read_registration_file,
    )

    if not path.is_file():
        raise CliError(f"{path}: no such file")
    raw_root, folder_event = _locate(path)
    event_id = event or folder_event
    events = known_events(raw_root)
    event_known = None if events is None or event_id is None else event_id in events
    # the pipeline reads a file of an unknown event folder with no event (every row: no_event)
    read_as = event_id if event_known is not False else None
    try:
        overrides = load_overrides(raw_root)
    except MappingFileError as error:
        raise CliError(str(error)) from error
    report = explain_file(path, read_as, raw_root=raw_root, overrides=overrides)
    report |= {"event_id": event_id, "event_source": "--event" if event else ("folder" if folder_event else None),
               "event_known": event_known, "raw_root": str(raw_root)}
    if not report["ok"]:
        report["loadable"] = False
        report["reason"] = ("no column for a person's name or email could be recognised" if report["missing_fields"]
                            else report["error"].split("\n")[0])
        return report

    tombstones = erasure.load_tombstones(raw_root.parent / "erasure" / "tombstones.csv")
    erased_rows: list[dict[str, Any]] = []
    if tombstones:
        try:
            secret = privacy.secret()
        except privacy.MissingSecretError as error:
            raise CliError(f"{error} (needed to apply the erasure tombstones)") from error
        result = read_registration_file(path, read_as, raw_root=raw_root, overrides=overrides)
        erased = set(erasure.matching_rows(result, event_id, tombstones, secret))
        erased_rows = [{"source_sheet": s, "source_row": r} for s, r in sorted(erased, key=lambda x: (x[0] or "", x[1]))]
        report["quarantined"] = [q for q in report["quarantined"] if (q["source_sheet"], q["source_row"]) not in erased]
    report["erased"] = erased_rows
    file = report["file"]
    staged_erased = len(erased_rows) - (file["rows_quarantined"] - len(report["quarantined"]))
    report["would_stage"] = file["rows_staged"] - staged_erased
    report["version"] = _version_status(path, raw_root, folder_event, overrides) if folder_event else None

    reasons = []
    if event_id is None:
        reasons.append("no event id: put the file in registrations/<event_id>/ or pass --event "
                       "(otherwise every row is quarantined as no_event)")
    elif event_known is False:
        reasons.append(f"event {event_id!r} is not in events/events.csv: add it there "
                       "(otherwise every row is quarantined as no_event)")
    if report["version"] and report["version"]["status"] == "failed":
        reasons.append(report["version"]["detail"])
    if report["would_stage"] == 0 and not reasons:
        reasons.append("no row would be staged")
    report["loadable"] = not reasons
    report["reason"] = "; ".join(reasons) or None
    return report


def _version_status(path: Path, raw_root: Path, folder_event: str, overrides: Any) -> dict[str, Any]:
    """The file's status among the exports of its event folder (the ingest's version rule)."""
    from pipelines.registrations.reader import RegistrationFileError, read_registration_file
    from pipelines.registrations.versions import list_registration_files, load_corrections, plan_versions

    registrations = raw_root / "registrations"
    me = path.resolve().relative_to(registrations.resolve()).as_posix()
    siblings = [p for p, folder in list_registration_files(raw_root) if folder == folder_event]
    readable: dict[str, str] = {}
    for sibling in siblings:
        key = sibling.resolve().relative_to(registrations.resolve()).as_posix()
        try:
            readable[key] = read_registration_file(sibling, folder_event, raw_root=raw_root,
                                                   overrides=overrides).file.file_hash
        except RegistrationFileError:
            continue
    plan = plan_versions(readable, load_corrections(raw_root),
                         present={p.resolve().relative_to(registrations.resolve()).as_posix() for p in siblings})
    status = plan.status(me) if me in readable else "loaded"
    detail = {
        "failed": plan.conflicts.get(me),
        "duplicate": f"identical to registrations/{plan.duplicate_of.get(me)}: it would not be loaded again",
        "superseded": f"superseded by registrations/{plan.superseded_by.get(me)} (rule: {plan.rule.get(me)}): "
                      "its rows would be kept in raw.registrations_superseded, not staged",
    }.get(status)
    corrects = sorted(old for old, new in plan.superseded_by.items() if new == me)
    if status == "loaded" and corrects:
        detail = "corrects (supersedes) " + ", ".join(f"registrations/{old}" for old in corrects)
    others = len([s for s in siblings if s.resolve() != path.resolve()])
    return {"status": status, "detail": detail, "supersedes": corrects, "other_files_in_folder": others}


def _print_report(report: dict[str, Any]) -> None:
    out = sys.stdout.write
    if not report["ok"]:
        out(report["error"] + "\n")
        return
    file = report["file"]
    event = report["event_id"] or "(none)"
    origin = {"folder": " (from the folder)", "--event": " (--event)"}.get(report["event_source"] or "", "")
    out(f"{file['source_file']}\n")
    out(f"  event       {event}{origin}" + ("  [not in events/events.csv]" if report["event_known"] is False else "") + "\n")
    described = f"{file['format']}"
    if file["encoding"]:
        described += f", encoding {file['encoding']}"
    if file["delimiter"]:
        described += f", delimiter {file['delimiter']!r}"
    out(f"  read as     {described}\n")
    if file["sheets"]:
        out(f"  sheets      {', '.join(file['sheets'])}\n")
    for sheet, reason in file["sheets_skipped"].items():
        out(f"  skipped     sheet {sheet!r}: {reason}\n")
    rows = ", ".join(f"{sheet}: row {row}" if sheet != "(text)" else f"row {row}" for sheet, row in file["header_rows"].items())
    out(f"  header      {rows}\n")
    if file["overrides_applied"]:
        out(f"  mapping.yml {', '.join(file['overrides_applied'])}\n")
    out("  columns\n")
    width = max((len(h) for h in list(file["column_mapping"]) + file["unmapped_headers"]), default=0) + 2
    for header, field in file["column_mapping"].items():
        out(f"    {header!r:<{width + 2}} → {field}\n")
    for header in file["unmapped_headers"]:
        out(f"    {header!r:<{width + 2}}   (not used: kept only in a quarantined row's cells)\n")
    quarantined = report["quarantined"]
    out(f"  rows        {file['rows_read']} read: {report['would_stage']} would be staged, "
        f"{len(quarantined)} quarantined" + (f", {len(report['erased'])} erased" if report["erased"] else "") + "\n")
    values = report["values"]
    for name in ("target_group", "country_code", "organisation_type", "attended", "research_consent"):
        if values.get(name):
            shown = ", ".join(f"{value} {count}" for value, count in values[name].items())
            out(f"    {name:<18} {shown}\n")
    dates = report["registered_on"]
    if dates["min"]:
        out(f"    {'registered_on':<18} {dates['min']} … {dates['max']}\n")
    if quarantined:
        out("  quarantined rows (fix the file, or add a mapping in registrations/mapping.yml; "
            "reason codes: docs/registrations.md)\n")
        no_event = [row for row in quarantined if row["reason_code"] == "no_event"]
        if no_event:
            out(f"    {len(no_event)} row(s) no_event: the file has no known event (see below)\n")
        for row in quarantined:
            if row["reason_code"] == "no_event":
                continue
            where = f"{row['source_sheet']}: row {row['source_row']}" if row["source_sheet"] else f"row {row['source_row']}"
            out(f"    {where:<10} {row['reason_code']:<18} {row['reason_detail']}\n")
            out(f"    {'':<10} cells: {json.dumps(row['raw_record'], ensure_ascii=False)}\n")
    if report["erased"]:
        rows = ", ".join(str(r["source_row"]) for r in report["erased"])
        out(f"  erased      rows {rows} match an erasure tombstone: left out, values not stored\n")
    if file["warnings"]:
        out("  warnings\n")
        for warning in file["warnings"]:
            out(f"    {warning}\n")
    if report["version"]:
        version = report["version"]
        text = version["detail"] or "loaded"
        if version["status"] == "loaded" and not version["supersedes"] and version["other_files_in_folder"]:
            text = (f"loaded beside {version['other_files_in_folder']} other file(s) of this event "
                    "(no correction declared or implied by the name)")
        out(f"  version     {text}\n")


def cmd_check(args: argparse.Namespace) -> int:
    configure(args)
    report = check_file(args.file, args.event)
    if args.json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        _print_report(report)
    if not report["loadable"]:
        if not report["ok"] and not args.json:
            raise CliError(f"{report['reason']}: add the mapping shown above to registrations/mapping.yml"
                           if report.get("mapping_snippet") else report["reason"])
        raise CliError(f"not loadable: {report['reason']}")
    if not args.json:
        sys.stdout.write(f"loadable: {report['would_stage']} row(s) would be staged\n")
    return 0


# --------------------------------------------------------------------------------------
# cci forget
# --------------------------------------------------------------------------------------


def cmd_forget(args: argparse.Namespace) -> int:
    from pipelines import privacy
    from pipelines.registrations import erasure
    from pipelines.registrations.reader import load_overrides

    configure(args)
    raw_root = settings.raw_dir()
    if "@" in args.reason:
        raise CliError("--reason must not contain personal data such as an email address")
    try:
        secret = privacy.secret()
    except privacy.MissingSecretError as error:
        raise CliError(str(error)) from error
    if args.email is not None:
        if args.event:
            raise CliError("--event goes with --name; an --email request covers every event")
        try:
            kind, key, event_id = erasure.KIND_EMAIL, erasure.email_tombstone_key(args.email, secret), None
        except ValueError as error:
            raise CliError(f"--email: {error}") from error
    else:
        if not args.event:
            raise CliError('--name needs --event: a name alone is too ambiguous (or use --email)')
        events = known_events(raw_root)
        if events is not None and args.event not in events:
            raise CliError(f"event {args.event!r} is not in {raw_root / 'events' / 'events.csv'}")
        try:
            kind, key, event_id = erasure.KIND_NAME_EVENT, erasure.name_event_key(args.name, args.event, secret), args.event
        except ValueError as error:
            raise CliError(f"--name: {error}") from error

    log = erasure.tombstones_file()
    earlier = [row for row in erasure.read_log(log) if row["action"] == erasure.ACTION_TOMBSTONE and row["key"] == key]
    recorded_at = erasure.now_text()
    if earlier:
        print(f"Tombstone already recorded on {earlier[0]['recorded_at']} ({kind} key {key}) in {log}")
    else:
        erasure.append_log([{"recorded_at": recorded_at, "action": erasure.ACTION_TOMBSTONE, "key_kind": kind,
                             "key": key, "event_id": event_id or "", "reason": args.reason}], log)
        print(f"Tombstone recorded in {log} ({kind} key {key}): every later build leaves the matching rows out.")

    tombstone = erasure.Tombstones([erasure.Tombstone(kind, key, event_id, recorded_at, args.reason)])
    matches, unreadable = erasure.scan_raw(raw_root, tombstone, secret, event_id)
    total = sum(len(m.rows) for m in matches)
    print(f"Rows in the raw files matching it now: {total} in {len(matches)} file(s)")
    for match in matches:
        print(f"  {match.source_file}: {_row_list(match.rows)}")
    for problem in unreadable:
        print(f"  (not searched, unreadable: {problem})")
    if not matches:
        print("  WARNING: nothing matches. Check the spelling as written in the export "
              + ("(names are matched as written, without transliteration)." if kind == erasure.KIND_NAME_EVENT else "."))
        if kind == erasure.KIND_NAME_EVENT:
            for suggestion in _similar_names(raw_root, args.name, args.event):
                print(f"  similar name in this event: {suggestion}")

    refused: list[str] = []
    if args.purge_raw and matches:
        overrides = load_overrides(raw_root)
        purged: list[erasure.PurgedFile] = []
        for match in matches:
            try:
                purged.append(erasure.purge_file(match.path, match.result, set(match.rows), match.event_id,
                                                 raw_root, overrides))
            except erasure.PurgeRefused as error:
                refused.append(f"{match.source_file}: {error}")
        if purged:
            erasure.append_log([
                {"recorded_at": erasure.now_text(), "action": erasure.ACTION_PURGE, "key_kind": kind, "key": key,
                 "event_id": event_id or "", "reason": args.reason, "source_file": p.source_file,
                 "old_sha256": p.old_sha256, "new_sha256": p.new_sha256, "rows_removed": p.rows_removed}
                for p in purged
            ], log)
        print(f"Raw files rewritten without these rows: {len(purged)}")
        for p in purged:
            print(f"  {p.source_file}: {p.rows_removed} row(s) removed, sha256 {p.old_sha256[:12]}… → {p.new_sha256[:12]}…")
        for problem in refused:
            print(f"  NOT rewritten: {problem}")
    print("Next: run `cci run` to rebuild. Until then the live warehouse and the published marts still hold "
          "these rows; earlier releases under marts/releases/ keep their pseudonymous keys until pruned.")
    if refused:
        raise CliError(f"{len(refused)} raw file(s) could not be rewritten (listed above); the tombstone still "
                       "keeps the rows out of every build")
    return 0


def _row_list(rows: list[tuple[str | None, int]]) -> str:
    by_sheet: dict[str | None, list[int]] = {}
    for sheet, row in rows:
        by_sheet.setdefault(sheet, []).append(row)
    parts = []
    for sheet, numbers in by_sheet.items():
        label = "row" if len(numbers) == 1 else "rows"
        text = f"{label} {', '.join(str(n) for n in sorted(numbers))}"
        parts.append(f"sheet {sheet!r} {text}" if sheet else text)
    return "; ".join(parts)


def _similar_names(raw_root: Path, name: str, event_id: str) -> list[str]:
    """Names in the event's exports that are the requested name in another alphabet or spelling."""
    from pipelines.registrations.erasure import name_candidates
    from pipelines.registrations.reader import RegistrationFileError, read_registration_file
    from pipelines.registrations.transliteration import name_tokens
    from pipelines.registrations.versions import list_registration_files

    wanted = sorted(name_tokens(name))
    found = []
    for path, folder in list_registration_files(raw_root):
        if folder != event_id:
            continue
        try:
            result = read_registration_file(path, folder, raw_root=raw_root)
        except RegistrationFileError:
            continue
        for row in result.staged.iter_rows(named=True):
            spellings = name_candidates(row["first_name"], row["last_name"], row["patronymic"], row["full_name"])
            if any(sorted(name_tokens(s)) == wanted for s in spellings):
                found.append(f"{result.file.source_file} row {row['source_row']}: {spellings[0]!r}")
    return found
