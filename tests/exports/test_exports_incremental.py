"""Deliveries at scale: what a rerun writes (nothing, or only what changed), what it reads, and
that batching and the vectorised renderers change no byte."""

from __future__ import annotations

import datetime as dt
import json
import os

import polars as pl
import pytest
from export_fixtures import PROJECTS, indicator_frame, marts_for, row

from pipelines.exports.content import Provenance, build_deliveries, content_key, project_record
from pipelines.exports.deliver import project_provenances, write_deliveries
from pipelines.exports.periods import project_periods
from pipelines.exports.source import MartSource
from pipelines.exports.store import MANIFEST, render_delivery, render_reference

AS_OF = dt.date(2017, 2, 1)  # TP (Feb–Jun 2016) and XX (2016) are both finished
BUILD_1, BUILD_2 = "20170201T060000-aaaaaaaa", "20170301T060000-bbbbbbbb"


def _files(root) -> dict[str, tuple[int, int, bytes]]:
    """Every file under ``root``: (inode, mtime in ns, bytes)."""
    out = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            path = os.path.join(dirpath, name)
            stat = os.stat(path)
            with open(path, "rb") as fh:
                out[os.path.relpath(path, root)] = (stat.st_ino, stat.st_mtime_ns, fh.read())
    return out


def _corrected(frame: pl.DataFrame, value: float) -> pl.DataFrame:
    """TP's unique participants from FI in March 2016 set to ``value`` (10 in the fixture)."""
    hit = ((pl.col("project_id") == "TP") & (pl.col("indicator_code") == "unique_participants")
           & (pl.col("period_type") == "month") & (pl.col("period_id") == "2016-03")
           & (pl.col("disaggregation_value") == "FI"))
    return frame.with_columns(pl.when(hit).then(pl.lit(value)).otherwise(pl.col("value")).alias("value"))


def _two_projects() -> pl.DataFrame:
    """The fixture (where XX has one row: 99 participants in March 2016), with a few more XX rows."""
    xx = [row("unique_participants", "month", "2016-03", "country", "FI", 60, project="XX"),
          row("unique_participants", "month", "2016-03", "country", "SE", 39, project="XX"),
          row("events_held", "quarter", "2016Q1", "total", "total", 2, project="XX")]
    return pl.concat([indicator_frame(), pl.DataFrame(xx)], how="vertical_relaxed")


class CountingSource(MartSource):
    """A source that records which projects' indicator rows were loaded."""

    def __init__(self, marts):
        source = MartSource.from_frames(marts)
        super().__init__(source._tables)
        self.loaded: list[list[str]] = []

    def indicator_values(self, project_ids):
        self.loaded.append(sorted(project_ids))
        return super().indicator_values(project_ids)


def _periods_of(project_id: str) -> list[str]:
    record = project_record(PROJECTS, project_id)
    return [p.period_id for p in project_periods(record["start_date"], record["end_date"])]


@pytest.mark.parametrize("with_state", [True, False])
def test_unchanged_rebuild_writes_no_file(tmp_path, with_state):
    exports, state = tmp_path / "exports", (tmp_path / "state.json" if with_state else None)
    first = write_deliveries(marts_for(_two_projects(), build_id=BUILD_1), exports, as_of=AS_OF, state_path=state)
    assert {r.action for r in first} == {"created"}
    assert len(first) == len(_periods_of("TP")) + len(_periods_of("XX"))
    before = _files(exports)
    # A new build of the same data: another build id, rows in another order.
    again = write_deliveries(marts_for(_two_projects().reverse(), build_id=BUILD_2), exports, as_of=AS_OF,
                             state_path=state)
    assert [(r.project_id, r.period_id, r.version, r.action) for r in again] == [
        (r.project_id, r.period_id, 1, "unchanged") for r in first]
    assert _files(exports) == before  # same inodes, mtimes and bytes: nothing was written


def test_a_change_in_one_project_rewrites_only_its_deliveries_that_show_it(tmp_path):
    exports = tmp_path / "exports"
    write_deliveries(marts_for(_two_projects(), build_id=BUILD_1), exports, as_of=AS_OF)
    before = _files(exports)
    results = write_deliveries(marts_for(_corrected(_two_projects(), 11), build_id=BUILD_2), exports, as_of=AS_OF)
    after = _files(exports)
    # March 2016 is shown by the month itself, by its quarter and by the final report.
    expected = {("TP", "2016-03"), ("TP", "2016Q1"), ("TP", "final")}
    assert {(r.project_id, r.period_id) for r in results if r.action == "rewritten"} == expected
    assert {r.action for r in results if (r.project_id, r.period_id) not in expected} == {"unchanged"}
    changed = {tuple(path.split(os.sep)[:2]) for path in after if after[path] != before.get(path)}
    assert changed == expected
    assert set(after) == set(before)
    manifest = json.loads(after[os.path.join("TP", "2016Q1", "v1", MANIFEST)][2])
    assert manifest["build_id"] == BUILD_2
    untouched = json.loads(after[os.path.join("TP", "2016-04", "v1", MANIFEST)][2])
    assert untouched["build_id"] == BUILD_1


def test_with_the_state_file_a_rerun_loads_only_the_changed_project(tmp_path):
    exports, state = tmp_path / "exports", tmp_path / "cache" / "state.json"
    first = CountingSource(marts_for(_two_projects(), build_id=BUILD_1))
    write_deliveries(first, exports, as_of=AS_OF, state_path=state)
    assert first.loaded == [["TP", "XX"]] and state.is_file()

    unchanged = CountingSource(marts_for(_two_projects(), build_id=BUILD_2))
    results = write_deliveries(unchanged, exports, as_of=AS_OF, state_path=state)
    assert unchanged.loaded == [] and {r.action for r in results} == {"unchanged"}

    corrected = CountingSource(marts_for(_corrected(_two_projects(), 11), build_id=BUILD_2))
    results = write_deliveries(corrected, exports, as_of=AS_OF, state_path=state)
    assert corrected.loaded == [["TP"]]
    assert sorted(r.period_id for r in results if r.action == "rewritten") == ["2016-03", "2016Q1", "final"]


def test_the_state_file_is_only_a_cache(tmp_path):
    """A delivery removed or edited on disk is noticed although the inputs did not change."""
    exports, state = tmp_path / "exports", tmp_path / "state.json"
    marts = marts_for(_two_projects(), build_id=BUILD_1)
    write_deliveries(marts, exports, as_of=AS_OF, state_path=state)
    for path in (exports / "TP" / "2016-03" / "v1").iterdir():
        path.unlink()
    (exports / "TP" / "2016-03" / "v1").rmdir()
    manifest = exports / "XX" / "2016Q1" / "v1" / MANIFEST
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('"content_key": "', '"content_key": "0'),
                        encoding="utf-8")
    results = {(r.project_id, r.period_id): r.action
               for r in write_deliveries(marts, exports, as_of=AS_OF, state_path=state)}
    assert results[("TP", "2016-03")] == "created"
    # The edited key no longer matches, but the files are what this content renders: kept as they are.
    assert results[("XX", "2016Q1")] == "unchanged"
    assert {a for k, a in results.items() if k not in {("TP", "2016-03"), ("XX", "2016Q1")}} == {"unchanged"}


def test_deliveries_written_before_content_keys_are_recognised(tmp_path):
    """A manifest without a content key (an older delivery) is compared by re-rendering the
    content with that version's own provenance: same files, nothing written."""
    exports = tmp_path / "exports"
    write_deliveries(marts_for(indicator_frame(), build_id=BUILD_1), exports, as_of=AS_OF, project_id="TP")
    for path in exports.glob("TP/*/v1/manifest.json"):
        manifest = json.loads(path.read_text(encoding="utf-8"))
        del manifest["content_key"]
        path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    before = _files(exports)
    results = write_deliveries(marts_for(indicator_frame(), build_id=BUILD_2), exports, as_of=AS_OF, project_id="TP")
    assert {r.action for r in results} == {"unchanged"} and _files(exports) == before
    # With content that differs it is rewritten, and its new manifest carries the key.
    results = write_deliveries(marts_for(_corrected(indicator_frame(), 12), build_id=BUILD_2), exports, as_of=AS_OF,
                               project_id="TP", period_id="2016-03")
    assert results[0].action == "rewritten"
    assert "content_key" in json.loads((exports / "TP" / "2016-03" / "v1" / MANIFEST).read_text(encoding="utf-8"))


def test_the_content_key_holds_every_digit_and_no_row_order(tmp_path):
    frame = indicator_frame()
    tp = project_record(PROJECTS, "TP")
    periods = project_periods(tp["start_date"], tp["end_date"])

    def keys(f):
        return [content_key(c) for c in build_deliveries(marts_for(f), project_id="TP", periods=periods,
                                                         is_synthetic=True)]
    base = keys(frame)
    assert keys(frame.sample(fraction=1.0, shuffle=True, seed=11)) == base
    # 10 → 10.00001 prints as 10 in the CSV (4 decimals) but not in the workbook: another content.
    nudged = keys(_corrected(frame, 10.00001))
    differs = {p.period_id for p, a, b in zip(periods, base, nudged, strict=True) if a != b}
    assert differs == {"2016-03", "2016Q1", "final"}
    exports = tmp_path / "exports"
    write_deliveries(marts_for(frame), exports, as_of=AS_OF, project_id="TP")
    csv_before = (exports / "TP" / "2016-03" / "v1" / "indicators_TP_2016-03.csv").read_bytes()
    result = write_deliveries(marts_for(_corrected(frame, 10.00001)), exports, as_of=AS_OF, project_id="TP",
                              period_id="2016-03")[0]
    assert result.action == "rewritten"
    assert (exports / "TP" / "2016-03" / "v1" / "indicators_TP_2016-03.csv").read_bytes() == csv_before


def test_batches_of_projects_give_the_same_bytes(tmp_path):
    marts = marts_for(_two_projects())
    one = write_deliveries(marts, tmp_path / "one", as_of=AS_OF)
    many = write_deliveries(marts, tmp_path / "many", as_of=AS_OF, batch_rows=1)  # a project per batch
    assert [(r.project_id, r.period_id) for r in one] == [(r.project_id, r.period_id) for r in many]
    strip = {k: v[2] for k, v in _files(tmp_path / "one").items()}
    assert strip == {k: v[2] for k, v in _files(tmp_path / "many").items()}


def _awkward_frame() -> pl.DataFrame:
    """The fixture with texts and numbers that test escaping, quoting and number formats."""
    frame = indicator_frame()
    return frame.with_columns(
        pl.when(pl.col("disaggregation_value") == "FI").then(pl.lit('Fin & "land", <north>\n'))
        .when(pl.col("disaggregation_value") == "RU").then(pl.lit("Россия\tтест\r"))
        .otherwise(pl.col("disaggregation_value")).alias("disaggregation_value"),
        pl.when(pl.col("indicator_code") == "events_held").then(pl.lit("Events, \"held\" & <counted>"))
        .otherwise(pl.col("indicator_name")).alias("indicator_name"),
        pl.when(pl.col("value") == 23).then(pl.lit(23.123456789)).when(pl.col("value") == 30).then(pl.lit(1e-7))
        .otherwise(pl.col("value")).alias("value"),
        pl.when(pl.col("target") == 16).then(pl.lit(16.25)).otherwise(pl.col("target")).alias("target"),
    )


@pytest.mark.parametrize("synthetic", [True, False])
def test_vectorised_renderers_write_the_reference_bytes(synthetic):
    """Every deliverable of every period, from the per-row reference renderers and from the
    vectorised ones, with and without provenance: byte for byte the same."""
    frame = _awkward_frame()
    marts = marts_for(frame, synthetic=synthetic)
    marts["dim_indicators"] = pl.DataFrame({
        "indicator_code": ["unique_participants", "participations", "events_held"],
        "indicator_name_ru": ["Участники", None, "Мероприятия & <события>"],
        "interreg_code": ["RCO81", None, "RCO115"], "definition": ["a & b", None, 'say "hi"'],
        "suppress_small_cells": [True, True, False],
    })
    tp = project_record(PROJECTS, "TP")
    contents = build_deliveries(marts, project_id="TP", periods=project_periods(tp["start_date"], tp["end_date"]),
                                is_synthetic=synthetic)
    provenances = [Provenance(), Provenance(build_id="b & <1>", source_files=(("registrations/x,y.csv", "c" * 64, 9),),
                                            version=2, supersedes=1)]
    checked = 0
    for content in contents:
        for provenance in provenances:
            fast, reference = render_delivery(content, provenance), render_reference(content, provenance)
            assert list(fast) == list(reference)
            for name in reference:
                assert fast[name] == reference[name], (content.period.period_id, name)
                checked += 1
    assert checked == len(contents) * 2 * 3


def test_a_delivery_the_fast_path_does_not_cover_is_rendered_by_the_reference():
    frame = indicator_frame().with_columns(
        pl.when(pl.col("disaggregation_value") == "SE").then(pl.lit("S" * 17_000))
        .otherwise(pl.col("disaggregation_value")).alias("disaggregation_value"))
    tp = project_record(PROJECTS, "TP")
    content = build_deliveries(marts_for(frame), project_id="TP", periods=project_periods(tp["start_date"],
                                                                                          tp["end_date"]),
                               is_synthetic=True)[1]  # 2016-03 shows the long cell
    assert any(len(r["disaggregation_value"]) == 17_000 for r in content.rows)
    provenance = Provenance(build_id="b")
    assert render_delivery(content, provenance) == render_reference(content, provenance)


def test_only_the_marts_and_columns_the_deliveries_need_are_read(tmp_path):
    """A release whose other marts cannot be read at all still delivers, and the indicator rows
    come with the delivered columns only."""
    release = tmp_path / "release"
    release.mkdir()
    marts = marts_for(_two_projects())
    marts["fct_indicator_values"] = marts["fct_indicator_values"].with_columns(pl.lit("x").alias("unused_column"))
    for name, frame in marts.items():
        frame.write_parquet(release / f"{name}.parquet")
    (release / "fct_participations.parquet").write_bytes(b"not a parquet file: 10 million rows would be here")
    source = MartSource.from_release(release)
    rows = source.indicator_values(["XX"])
    assert "unused_column" not in rows.columns and set(rows["project_id"]) == {"XX"} and rows.height == 4
    results = write_deliveries(source, tmp_path / "exports", as_of=AS_OF, state_path=tmp_path / "state.json")
    assert {r.action for r in results} == {"created"}


def test_a_projects_provenance_lists_the_shared_files_and_its_own_registrations():
    small = {
        "build_source_files": pl.DataFrame({
            "source_file": ["events/events.csv", "programme/projects.csv", "registrations/mapping.yml",
                            "registrations/TP-E01/a.csv", "registrations/TP-E02/b.xlsx", "registrations/XX-E01/c.csv",
                            "registrations/ZZ-E09/orphan.csv"],
            "sha256": [str(i) * 64 for i in range(7)], "bytes": list(range(7))}),
        "dim_events": pl.DataFrame({"event_id": ["TP-E01", "TP-E02", "XX-E01"], "project_id": ["TP", "TP", "XX"]}),
    }
    provenance = project_provenances(small, "build-9")
    tp, xx = provenance("TP"), provenance("XX")
    assert [p for p, _, _ in tp.source_files] == [
        "events/events.csv", "programme/projects.csv", "registrations/TP-E01/a.csv", "registrations/TP-E02/b.xlsx",
        "registrations/ZZ-E09/orphan.csv", "registrations/mapping.yml"]
    assert [p for p, _, _ in xx.source_files] == [
        "events/events.csv", "programme/projects.csv", "registrations/XX-E01/c.csv", "registrations/ZZ-E09/orphan.csv",
        "registrations/mapping.yml"]
    assert tp.build_id == "build-9" and dict((p, s) for p, s, _ in tp.source_files)["events/events.csv"] == "0" * 64
    # Without dim_events every file concerns every project.
    assert len(project_provenances({"build_source_files": small["build_source_files"]}, "b")("TP").source_files) == 7
