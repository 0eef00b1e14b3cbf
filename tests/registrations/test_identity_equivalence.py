"""The resolver against its own earlier self: the row-by-row implementation that preceded the
collapsed, integer-coded one (commit f2d1fa2), kept here verbatim as the oracle.  Both must give
the same assignments (clusters, keys, match rules), the same evidence and the same stats, on the
labelled evaluation sets and on random rows built to hit the hard paths: exact duplicate rows,
shared and role mailboxes, rows without email, namesakes, and clusters that would join two
patronymics (rebuilt link by link).  The per-value fast paths (Latin folding, batch HMAC) are
checked against their plain definitions."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import random
import unicodedata

import numpy as np
import polars as pl
import pytest

from pipelines import privacy
from pipelines.demo.identity_eval import make_evaluation_set
from pipelines.registrations import transliteration
from pipelines.registrations.identity import (
    _ORG_MIN_FUZZY_TOKEN,
    _RULE_RANK,
    FUZZY_THRESHOLD,
    ORGANISATION_THRESHOLD,
    RULES,
    IdentityResult,
    _components,
    _email_names_compatible,
    _is_role_mailbox,
    _patronymics_conflict,
    fuzzy_name_score,
    normalise_email,
    normalise_organisation,
    normalise_phone,
    organisation_similarity,
    parse_person_name,
    resolve_persons,
    resolve_warehouse,
)

SECRET = b"test-secret-test-secret-test-secret-0123"


def _ref_hmac(kind: str, value: str, key: bytes) -> str:
    text = " ".join(unicodedata.normalize("NFKC", value).casefold().split())
    return hmac.new(key, f"{kind}:{text}".encode(), hashlib.sha256).hexdigest()[:16]


# --------------------------------------------------------------------------- the reference
# (identity.py before the collapse: _organisation_table … resolve_persons, renamed _ref_*)

def _ref_organisation_table(
    frame: pl.DataFrame, *, secret: bytes | None, threshold: float
) -> tuple[pl.DataFrame, int]:
    """One row per distinct (organisation, country_code) with its norm, cluster and key.

    ``frame`` has one row per occurrence: the counts choose each cluster's representative."""
    distinct = frame.group_by("organisation", "country_code", maintain_order=True).agg(
        pl.len().alias("_rows")
    )
    distinct = distinct.with_columns(
        pl.col("organisation")
        .map_elements(normalise_organisation, return_dtype=pl.String)
        .alias("organisation_norm"),
        pl.col("country_code").fill_null("").str.to_uppercase().str.strip_chars().alias("_cc"),
    )
    norms = (
        distinct.filter(pl.col("organisation_norm").is_not_null())
        .group_by("_cc", "organisation_norm")
        .agg(pl.col("_rows").sum())
        .sort("_cc", "organisation_norm")
        .with_columns(
            pl.col("organisation_norm")
            .map_elements(lambda s: " ".join(sorted(s.split())), return_dtype=pl.String)
            .alias("_sorted")
        )
    )
    # Exact level: equal token multisets (word order ignored) within a country.
    forms = norms.select("_cc", "_sorted").unique().sort("_cc", "_sorted").with_row_index("_s")
    n = forms.height
    # Fuzzy level: names whose tokens agree except one, which is one edit away.  Candidate
    # pairs share a symmetric-deletion key: the other tokens plus the varied token with
    # at most one letter deleted (SymSpell-style), so no block is larger than needed.
    key_rows: list[tuple[int, str, str]] = []
    for index, cc, sorted_form in forms.iter_rows():
        tokens = sorted_form.split()
        for i, token in enumerate(tokens):
            if len(token) < _ORG_MIN_FUZZY_TOKEN - 1 or token.isdigit():
                continue
            rest = " ".join(tokens[:i] + tokens[i + 1 :])
            variants = {token} | {token[:j] + token[j + 1 :] for j in range(len(token))}
            key_rows.extend((index, cc, f"{rest}|{v}") for v in variants)
    keys = pl.DataFrame(key_rows, schema={"_s": pl.UInt32, "_cc": pl.String, "_k": pl.String}, orient="row")
    pairs = (
        keys.join(keys, on=["_cc", "_k"], suffix="_r")
        .filter(pl.col("_s") < pl.col("_s_r"))
        .select("_s", "_s_r")
        .unique()
        .sort("_s", "_s_r")
    )
    comparisons = pairs.height
    sorted_forms = forms["_sorted"].to_list()
    left: list[int] = []
    right: list[int] = []
    scores: list[float] = []
    for a, b in pairs.iter_rows():
        score = organisation_similarity(sorted_forms[a], sorted_forms[b])
        if score >= threshold:
            left.append(a)
            right.append(b)
            scores.append(score)
    labels = _components(n, np.array(left), np.array(right))
    best_score = np.zeros(n)
    np.maximum.at(best_score, np.array(left, dtype=np.int64), np.array(scores, dtype=float))
    np.maximum.at(best_score, np.array(right, dtype=np.int64), np.array(scores, dtype=float))
    fuzzy_member = best_score > 0
    forms = forms.with_columns(
        pl.Series("_label", labels),
        pl.Series("organisation_rule", np.where(fuzzy_member, "fuzzy", "exact")),
        pl.Series("organisation_score", np.where(fuzzy_member, best_score, 1.0)),
    )
    norms = norms.join(forms.drop("_s"), on=["_cc", "_sorted"], how="left")
    # Representative: the cluster's most frequent spelling (ties: the smallest).
    norms = norms.with_columns(
        pl.col("organisation_norm")
        .sort_by([pl.col("_rows"), pl.col("organisation_norm")], descending=[True, False])
        .first()
        .over("_label")
        .alias("organisation_representative")
    )
    reps = norms.select("_cc", "organisation_representative").unique()
    reps = reps.with_columns(
        pl.struct("_cc", "organisation_representative")
        .map_elements(
            lambda r: _ref_hmac("organisation", f"{r['_cc'] or '??'}|{r['organisation_representative']}", secret),
            return_dtype=pl.String,
        )
        .alias("organisation_key")
    )
    norms = norms.join(reps, on=["_cc", "organisation_representative"], how="left")
    table = distinct.join(
        norms.select(
            "_cc", "organisation_norm", "organisation_representative", "organisation_key",
            "organisation_rule", "organisation_score",
        ),
        on=["_cc", "organisation_norm"],
        how="left",
    ).drop("_cc", "_rows")
    return table, comparisons


# --------------------------------------------------------------------------- persons



_ref_REQUIRED = ("registration_id", "event_id")
_ref_OPTIONAL = (
    "first_name", "last_name", "patronymic", "full_name", "email", "phone", "organisation",
    "country_code",
)
_ref_EVIDENCE_SCHEMA = {"_a": pl.Int64, "_b": pl.Int64, "rule": pl.String, "score": pl.Float64}


def _ref_prepare(rows: pl.DataFrame, secret: bytes, org_threshold: float) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    missing = [c for c in _ref_REQUIRED if c not in rows.columns]
    if missing:
        raise ValueError(f"registration rows lack required columns: {missing}")
    df = rows.select(
        pl.col("registration_id").cast(pl.String),
        pl.col("event_id").cast(pl.String),
        *[
            (pl.col(c) if c in rows.columns else pl.lit(None)).cast(pl.String).alias(c)
            for c in _ref_OPTIONAL
        ],
    )
    if df["registration_id"].is_duplicated().any():
        raise ValueError("registration_id must be unique")
    # Stable row numbering, independent of input order.
    df = df.sort("registration_id").with_row_index("_i").with_columns(pl.col("_i").cast(pl.Int64))

    emails = df.select("email").unique().with_columns(
        pl.col("email").map_elements(normalise_email, return_dtype=pl.String).alias("_email")
    )
    phones = df.select("phone", "country_code").unique()
    phones = phones.with_columns(
        pl.Series(
            "_phone", [normalise_phone(p, c) for p, c in phones.iter_rows()], dtype=pl.String
        )
    )
    name_cols = ["first_name", "last_name", "patronymic", "full_name"]
    names = df.select(name_cols).unique()
    parsed = [parse_person_name(*r) for r in names.iter_rows()]
    names = names.with_columns(
        pl.Series("_name", [" ".join(t) for t, _ in parsed], dtype=pl.String),
        pl.Series("_ntok", [len(t) for t, _ in parsed], dtype=pl.Int32),
        pl.Series("_patr", [p for _, p in parsed], dtype=pl.String),
    )
    org_frame = df.select("organisation", "country_code")
    org_table, org_comparisons = _ref_organisation_table(org_frame, secret=secret, threshold=org_threshold)
    df = (
        df.join(emails, on="email", how="left", nulls_equal=True)
        .join(phones, on=["phone", "country_code"], how="left", nulls_equal=True)
        .join(names, on=name_cols, how="left", nulls_equal=True)
        .join(
            org_table.select("organisation", "country_code", "organisation_representative", "organisation_key"),
            on=["organisation", "country_code"],
            how="left",
            nulls_equal=True,
        )
        .with_columns(
            pl.when(pl.col("_email").map_elements(_is_role_mailbox, return_dtype=pl.Boolean))
            .then(None)
            .otherwise(pl.col("_email"))
            .alias("_personal_email"),
            pl.col("country_code").str.to_uppercase().str.strip_chars().alias("_cc"),
            pl.when(pl.col("_name") == "").then(None).otherwise(pl.col("_name")).alias("_name"),
        )
        .sort("_i")
    )
    return df, org_table, org_comparisons


def _ref_star_links(df: pl.DataFrame, keys: list[str], rule: str) -> pl.DataFrame:
    """Link every row of a group with equal ``keys`` to the group's smallest row."""
    return (
        df.with_columns(pl.col("_i").min().over(keys).alias("_a"))
        .filter(pl.col("_i") != pl.col("_a"))
        .select("_a", pl.col("_i").alias("_b"), pl.lit(rule).alias("rule"), pl.lit(1.0).alias("score"))
    )


def _ref_name_group_links(df: pl.DataFrame, other: str, rule: str) -> pl.DataFrame:
    """Rules 2/3: same name key and same ``other`` key, split by conflicting patronymics."""
    candidates = df.filter(
        pl.col("_name").is_not_null(), pl.col("_ntok") >= 2, pl.col(other).is_not_null()
    ).with_columns(pl.col("_patr").drop_nulls().n_unique().over("_name", other).alias("_npatr"))
    single = candidates.filter(pl.col("_npatr") <= 1)
    split = candidates.filter(pl.col("_npatr") > 1, pl.col("_patr").is_not_null())
    return pl.concat(
        [_ref_star_links(single, ["_name", other], rule), _ref_star_links(split, ["_name", other, "_patr"], rule)]
    )


def _ref_email_links(df: pl.DataFrame) -> tuple[pl.DataFrame, int, int]:
    """Rule 1 links, comparisons made and pairs rejected by the shared-mailbox guard."""
    with_email = df.filter(pl.col("_email").is_not_null())
    # Same email and same name (or patronymic-free equal name): star links, no comparison.
    same = _ref_star_links(with_email.with_columns(pl.col("_name").fill_null("")), ["_email", "_name"], "email")
    sigs = (
        with_email.group_by("_email", "_name", maintain_order=True)
        .agg(pl.col("_i").min().alias("_rep"), pl.col("_patr").drop_nulls().first().alias("_patr"))
        .with_columns(pl.len().over("_email").alias("_k"))
        .filter(pl.col("_k") > 1)
        .sort("_email", "_rep")
    )
    links: list[tuple[int, int, str, float]] = []
    comparisons = 0
    rejected = 0
    for (email,), group in sigs.group_by(["_email"], maintain_order=True):
        role = _is_role_mailbox(email)
        reps = group["_rep"].to_list()
        toks = [tuple(n.split()) if n else () for n in group["_name"].to_list()]
        patrs = group["_patr"].to_list()
        named = [k for k, t in enumerate(toks) if t]
        unnamed = [k for k, t in enumerate(toks) if not t]
        accepted: list[tuple[int, int, float]] = []
        for x, y in itertools.combinations(named, 2):
            comparisons += 1
            score = _email_names_compatible(toks[x], toks[y], patrs[x], patrs[y], role)
            if score > 0:
                accepted.append((x, y, score))
            else:
                rejected += 1
        if named:
            labels = _components(
                len(toks), np.array([a for a, _, _ in accepted]), np.array([b for _, b, _ in accepted])
            )
            one_group = len({labels[k] for k in named}) == 1
            for k in unnamed:
                if one_group:
                    links.append((reps[named[0]], reps[k], "email", 1.0))
                else:
                    rejected += 1
        else:
            for k in unnamed[1:]:
                links.append((reps[unnamed[0]], reps[k], "email", 1.0))
        links.extend((reps[x], reps[y], "email", s) for x, y, s in accepted)
    frame = pl.DataFrame(links, schema=_ref_EVIDENCE_SCHEMA, orient="row")
    return pl.concat([same, frame]), comparisons, rejected


def _ref_fuzzy_links(
    df: pl.DataFrame, threshold: float, key: str, rule: str
) -> tuple[pl.DataFrame, int, int, int]:
    """Rule 4 (``key`` = organisation_key) or rule 5 (``key`` = _phone) links, with the
    comparisons made, pairs rejected for different emails and the largest block.

    Rows are first collapsed to name variants (key, name, patronymic); candidate pairs of
    variants come from blocks: key + first 3 letters of each name token for organisations,
    the phone number itself for phones."""
    base = df.filter(pl.col("_name").is_not_null(), pl.col("_ntok") >= 2, pl.col(key).is_not_null())
    variants = (
        base.group_by(key, "_name", "_patr", maintain_order=True)
        .agg(
            pl.col("_i").min().alias("_rep"),
            pl.col("_i").filter(pl.col("_personal_email").is_null()).min().alias("_rep_noemail"),
            pl.col("_personal_email").drop_nulls().unique().sort().alias("_emails"),
            pl.col("_phone").drop_nulls().unique().sort().alias("_phones"),
        )
        # A name without patronymic next to two patronymics of that name is ambiguous
        # (as in rules 2/3): it takes part in no fuzzy link.
        .filter(
            pl.col("_patr").is_not_null()
            | (pl.col("_patr").drop_nulls().n_unique().over(key, "_name") <= 1)
        )
        .with_row_index("_v")
    )
    empty = pl.DataFrame(schema=_ref_EVIDENCE_SCHEMA)
    if variants.height < 2:
        return empty, 0, 0, 0
    if key == "_phone":
        exploded = variants.select("_v", key, pl.lit("").alias("_block"))
    else:
        exploded = (
            variants.select("_v", key, pl.col("_name").str.split(" ").alias("_tok"))
            .explode("_tok")
            .with_columns(pl.col("_tok").str.head(3).alias("_block"))
            .select("_v", key, "_block")
            .unique()
        )
    largest_block = int(exploded.group_by(key, "_block").len()["len"].max() or 0)
    pairs = (
        exploded.join(exploded, on=[key, "_block"], suffix="_r")
        .filter(pl.col("_v") < pl.col("_v_r"))
        .select("_v", "_v_r")
        .unique()
        .sort("_v", "_v_r")
    )
    comparisons = pairs.height
    if comparisons == 0:
        return empty, 0, 0, largest_block
    names = [tuple(n.split()) for n in variants["_name"].to_list()]
    patrs = variants["_patr"].to_list()
    reps = variants["_rep"].to_list()
    reps_noemail = variants["_rep_noemail"].to_list()
    emails = [set(e) for e in variants["_emails"].to_list()]
    phones = [set(p) for p in variants["_phones"].to_list()]
    check_email = key != "_phone"
    links: list[tuple[int, int, str, float]] = []
    rejected_email = 0
    for a, b in pairs.iter_rows():
        if names[a] == names[b]:
            continue  # same name and key, different patronymic: rules 2/3 decided
        score = fuzzy_name_score(names[a], names[b], patrs[a], patrs[b])
        if score < threshold:
            continue
        pair = (reps[a], reps[b])
        if check_email:
            # Rows that may be linked: one without email, or a shared email or phone.
            if reps_noemail[a] is not None:
                pair = (reps_noemail[a], reps[b])
            elif reps_noemail[b] is not None:
                pair = (reps[a], reps_noemail[b])
            elif not (emails[a] & emails[b] or phones[a] & phones[b]):
                rejected_email += 1
                continue
        links.append((pair[0], pair[1], rule, score))
    return pl.DataFrame(links, schema=_ref_EVIDENCE_SCHEMA, orient="row"), comparisons, rejected_email, largest_block


def _ref_patronymic_sets_conflict(a: set[str], b: set[str]) -> bool:
    return any(_patronymics_conflict(x, y) for x in a for y in b)


def _ref_drop_patronymic_conflicts(
    n: int, links: pl.DataFrame, patronymics: list[str | None]
) -> tuple[pl.DataFrame, int]:
    """Keep a cluster from joining two different patronymics through rows without one.

    Clusters whose rows carry conflicting patronymics are rebuilt link by link, strongest
    rule first (then higher score, then smaller rows), with a union-find that refuses a
    link joining two groups with conflicting patronymics; those links are dropped (and
    do not appear in the evidence).  Other clusters are left as they are."""
    if links.height == 0:
        return links, 0
    labels = _components(n, links["_lo"].to_numpy(), links["_hi"].to_numpy())
    named = pl.DataFrame(
        {"_label": labels, "_patr": pl.Series(patronymics, dtype=pl.String)}
    ).drop_nulls().unique()
    candidates = named.filter(pl.len().over("_label") > 1).group_by("_label").agg("_patr")
    conflicted = {
        label
        for label, values in candidates.iter_rows()
        if any(_patronymics_conflict(x, y) for x, y in itertools.combinations(values, 2))
    }
    if not conflicted:
        return links, 0
    in_conflict = np.isin(labels[links["_lo"].to_numpy()], np.fromiter(conflicted, dtype=np.int64))
    links = links.with_columns(pl.Series("_conflicted", in_conflict))
    parent: dict[int, int] = {}
    pats: dict[int, set[str]] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    keep: list[bool] = []
    rejected = 0
    ordered = links.filter(pl.col("_conflicted")).sort("_rank", pl.col("score").neg(), "_lo", "_hi")
    for lo, hi in ordered.select("_lo", "_hi").iter_rows():
        ra, rb = find(lo), find(hi)
        if ra != rb:
            pa = pats.setdefault(ra, {patronymics[lo]} - {None})
            pb = pats.setdefault(rb, {patronymics[hi]} - {None})
            if _ref_patronymic_sets_conflict(pa, pb):
                keep.append(False)
                rejected += 1
                continue
            parent[rb] = ra
            pats[ra] = pa | pb
        keep.append(True)
    accepted = ordered.with_columns(pl.Series("_keep", keep)).filter("_keep").drop("_keep")
    kept = pl.concat([links.filter(~pl.col("_conflicted")), accepted]).drop("_conflicted")
    return kept.sort("_lo", "_hi"), rejected


def reference_resolve_persons(
    rows: pl.DataFrame,
    secret: bytes,
    *,
    fuzzy_threshold: float = FUZZY_THRESHOLD,
    org_threshold: float = ORGANISATION_THRESHOLD,
) -> IdentityResult:
    """Cluster registration rows into persons (see the module docstring for the rules)."""
    df, org_table, org_comparisons = _ref_prepare(rows, secret, org_threshold)
    n = df.height

    email_links, email_comparisons, email_rejected = _ref_email_links(df)
    org_links = _ref_name_group_links(df, "organisation_key", "name+organisation")
    phone_links = _ref_name_group_links(df, "_phone", "name+phone")
    fuzzy_links, fuzzy_comparisons, fuzzy_rejected, largest_block = _ref_fuzzy_links(
        df, fuzzy_threshold, "organisation_key", "fuzzy_name+organisation"
    )
    phone_fuzzy_links, phone_fuzzy_comparisons, _, _ = _ref_fuzzy_links(
        df, fuzzy_threshold, "_phone", "fuzzy_name+phone"
    )
    fuzzy_links = pl.concat([fuzzy_links, phone_fuzzy_links])
    fuzzy_comparisons += phone_fuzzy_comparisons

    links = pl.concat(
        [
            email_links.cast(_ref_EVIDENCE_SCHEMA),
            org_links.cast(_ref_EVIDENCE_SCHEMA),
            phone_links.cast(_ref_EVIDENCE_SCHEMA),
            fuzzy_links.cast(_ref_EVIDENCE_SCHEMA),
        ]
    )
    # One row per unordered pair, keeping the strongest rule.
    links = (
        links.with_columns(
            pl.min_horizontal("_a", "_b").alias("_lo"),
            pl.max_horizontal("_a", "_b").alias("_hi"),
            pl.col("rule").replace_strict(_RULE_RANK, return_dtype=pl.Int32).alias("_rank"),
        )
        .sort("_rank", pl.col("score").neg(), "_lo", "_hi")
        .unique(["_lo", "_hi"], keep="first", maintain_order=True)
        .sort("_lo", "_hi")
    )

    links, rejected_patronymic = _ref_drop_patronymic_conflicts(n, links, df["_patr"].to_list())
    labels = _components(n, links["_lo"].to_numpy(), links["_hi"].to_numpy())
    df = df.with_columns(pl.Series("_label", labels, dtype=pl.Int64))

    # Cluster number: rank of the cluster's smallest registration_id (rows are sorted by it).
    df = df.with_columns(pl.col("_label").rank("dense").sub(1).cast(pl.Int64).alias("person_cluster"))

    # Representative identifier per cluster: the smallest email that no other cluster
    # uses, else the smallest name+organisation no other cluster uses, else the row.
    def _unique_rep(values: pl.DataFrame, column: str) -> pl.DataFrame:
        values = values.filter(pl.col(column).is_not_null()).unique(["_label", column])
        return (
            values.filter(pl.col("_label").n_unique().over(column) == 1)
            .group_by("_label")
            .agg(pl.col(column).min())
        )

    email_rep = _unique_rep(df.select("_label", pl.col("_personal_email").alias("_rep_email")), "_rep_email")
    name_rep = _unique_rep(
        df.filter(pl.col("_name").is_not_null()).select(
            "_label",
            pl.format(
                "name:{}|org:{}|country:{}",
                pl.col("_name"),
                pl.col("organisation_representative").fill_null(""),
                pl.col("_cc").fill_null(""),
            ).alias("_rep_name"),
        ),
        "_rep_name",
    )
    fallback = df.group_by("_label").agg(
        pl.format("registration:{}", pl.col("registration_id").min()).alias("_rep_row")
    )
    reps = (
        fallback.join(email_rep, on="_label", how="left")
        .join(name_rep, on="_label", how="left")
        .with_columns(pl.coalesce("_rep_email", "_rep_name", "_rep_row").alias("_rep"))
    )
    reps = reps.with_columns(
        pl.col("_rep").map_elements(lambda v: _ref_hmac('person', v, secret), return_dtype=pl.String).alias("person_key")
    )
    df = df.join(reps.select("_label", "person_key"), on="_label", how="left")

    # match_rule: the strongest accepted link touching the row.
    touching = pl.concat(
        [links.select(pl.col("_lo").alias("_i"), "_rank"), links.select(pl.col("_hi").alias("_i"), "_rank")]
    ).group_by("_i").agg(pl.col("_rank").min())
    rank_to_rule = {rank: rule for rule, rank in _RULE_RANK.items()}
    df = df.join(touching, on="_i", how="left").with_columns(
        pl.col("_rank").replace_strict(rank_to_rule, default="singleton", return_dtype=pl.String).alias("match_rule")
    )
    assignments = df.sort("_i").select(
        "registration_id", "event_id", "person_cluster", "person_key", "organisation_key", "match_rule"
    )
    id_frame = df.select("_i", pl.col("registration_id").alias("_id"))
    evidence = (
        links.select("_lo", "_hi", "rule", "score")
        .join(id_frame.rename({"_i": "_lo", "_id": "left_registration_id"}), on="_lo", how="left")
        .join(id_frame.rename({"_i": "_hi", "_id": "right_registration_id"}), on="_hi", how="left")
        .sort("_lo", "_hi")
        .select("left_registration_id", "right_registration_id", "rule", pl.col("score").round(4))
    )

    rule_counts = dict(evidence.group_by("rule").len().iter_rows())
    clusters = int(df["_label"].n_unique())
    stats: dict[str, int | float] = {
        "rows": n,
        "naive_pairs": n * (n - 1) // 2,
        "comparisons": email_comparisons + fuzzy_comparisons,
        "email_comparisons": email_comparisons,
        "fuzzy_comparisons": fuzzy_comparisons,
        "organisation_comparisons": org_comparisons,
        "largest_fuzzy_block": largest_block,
        "email_pairs_rejected_shared_mailbox": email_rejected,
        "fuzzy_pairs_rejected_different_email": fuzzy_rejected,
        "patronymic_conflict_links_dropped": rejected_patronymic,
        "links": evidence.height,
        **{f"links_{rule}": int(rule_counts.get(rule, 0)) for rule in RULES},
        "clusters": clusters,
        "singletons": int((df.group_by("_label").len()["len"] == 1).sum()),
        "organisations": int(org_table["organisation_key"].drop_nulls().n_unique()),
    }
    return IdentityResult(assignments=assignments, evidence=evidence, organisations=org_table, stats=stats)


# --------------------------------------------------------------------------- random hard rows

COLUMNS = [
    "registration_id", "event_id", "first_name", "last_name", "patronymic", "full_name",
    "email", "phone", "organisation", "country_code",
]
_FIRST = [("Ольга", "Olga"), ("Ольга", "Ogla"), ("Елена", "Elena"), ("Елена", "Yelena"), ("Алексей", "Aleksei"),
          ("Алексей", "Alexey"), ("Сергей", "Sergei"), ("Мария", "Maria"), ("Mikko", "Mikko"), ("Anna", "Anna")]
_LAST = [("Морозова", "Morozova"), ("Иванова", "Ivanova"), ("Иванова", "Ivanovva"), ("Смирнов", "Smirnov"),
         ("Смирнов", "Smirnoff"), ("Петров", "Petrov"), ("Петрова", "Petrova"), ("Virtanen", "Virtanen"),
         ("Virtanen", "Virtamen"), ("Lindberg", "Lindbreg")]
_PATRONYMICS = [None, None, "Игоревна", "Петровна", "Ивановна", "Иванович", "Петрович", "Ivanovich", "Igorevna"]
_EMAIL_LOCALS = ["olga.m", "info", "office", "petrovy", "a.smirnov", "Alexey.Smirnov+cci", "mikko", "anna", "elena.i"]
_DOMAINS = ["mail.ru", "gmail.com", "googlemail.com", "ya.ru", "yandex.ru", "sever.ru", "lumo.fi"]
_PHONES = [None, None, "+7 900 123-45-67", "89001234567", "9001234567", "040 123 4567", "+358401234567", "12345"]
_ORGS = [None, "ООО «Северный свет»", "Severny Svet LLC", "Severnyi Svet", "Lumo Oy", "LUMO OY", "Lumo Design Oy",
         "Norrsken Production", "Norrsken Prodcution AB", "Музей города", "Muzei goroda", "Школа № 12", "Школа №13"]
_COUNTRIES = ["RU", "RU", "FI", "SE", None, " ru "]


def hard_rows(seed: int, people: int = 120, rows: int = 900) -> pl.DataFrame:
    """Rows of a few people drawn from small pools, so that emails, phones, names and
    organisations collide often; a third of the rows repeat an earlier row exactly."""
    rng = random.Random(seed)
    persons = []
    for _ in range(people):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        email = None if rng.random() < 0.15 else f"{rng.choice(_EMAIL_LOCALS)}@{rng.choice(_DOMAINS)}"
        persons.append((first, last, rng.choice(_PATRONYMICS), email, rng.choice(_PHONES), rng.choice(_ORGS),
                        rng.choice(_COUNTRIES)))
    out: list[tuple] = []
    ids = rng.sample(range(10**6), rows)
    for k in range(rows):
        rid = f"{ids[k]:06x}:{k}"
        event = f"E{rng.randrange(6)}"
        if out and rng.random() < 0.33:
            out.append((rid, event, *rng.choice(out)[2:]))
            continue
        (first, last, patronymic, email, phone, org, country) = rng.choice(persons)
        script = rng.randrange(2)
        f, l = first[script], last[script]
        patr = patronymic if rng.random() < 0.6 else None
        style = rng.randrange(4)
        if style == 0:
            cells = (f, l, patr, None)
        elif style == 1:
            cells = (l, f, None, None)  # swapped columns
        elif style == 2:
            cells = (None, None, None, " ".join(p for p in (l, f, patr) if p))
        else:
            cells = (f.upper() if rng.random() < 0.5 else f, l, patr, f"{f} {l}")
        if email and rng.random() < 0.2:
            email = email.upper() if rng.random() < 0.5 else f" {email} "
        out.append((rid, event, *cells,
                    None if rng.random() < 0.1 else email,
                    None if rng.random() < 0.3 else phone,
                    None if rng.random() < 0.15 else org,
                    country))
    return pl.DataFrame(out, schema={c: pl.String for c in COLUMNS}, orient="row")


def assert_same(rows: pl.DataFrame) -> dict:
    new = resolve_persons(rows, SECRET)
    old = reference_resolve_persons(rows, SECRET)
    assert new.assignments.equals(old.assignments)
    assert new.evidence.equals(old.evidence)
    assert new.stats == old.stats
    key = ["organisation", "country_code"]
    assert new.organisations.sort(key, nulls_last=True).equals(
        old.organisations.select(new.organisations.columns).sort(key, nulls_last=True)
    )
    return new.stats


@pytest.mark.parametrize("seed", [20240601, 1])
def test_same_as_reference_on_the_evaluation_set(seed):
    rows, _ = make_evaluation_set(1500, seed=seed)
    assert_same(rows)


def test_same_as_reference_on_hard_rows():
    totals: dict[str, int] = {}
    for seed in range(12):
        rows = hard_rows(seed)
        stats = assert_same(rows)
        for key, value in stats.items():
            totals[key] = totals.get(key, 0) + value
        # and in another input order, with other row ids (another collapse, same answers)
        shuffled = rows.sample(fraction=1.0, shuffle=True, seed=seed)
        assert_same(shuffled.with_columns(("x" + pl.col("registration_id").str.reverse()).alias("registration_id")))
    # the hard paths were taken
    assert totals["patronymic_conflict_links_dropped"] > 0
    assert totals["email_pairs_rejected_shared_mailbox"] > 0
    assert totals["fuzzy_pairs_rejected_different_email"] > 0
    for rule in RULES:
        assert totals[f"links_{rule}"] > 0, rule


def test_same_as_reference_on_small_inputs():
    assert_same(pl.DataFrame(schema={c: pl.String for c in COLUMNS}))
    assert_same(hard_rows(5, people=3, rows=4))
    assert_same(pl.DataFrame({"registration_id": ["b", "a", "c"], "event_id": ["E", "E", "F"]}))
    twice = hard_rows(7, people=10, rows=40)
    assert_same(pl.concat([twice, twice.with_columns(pl.col("registration_id") + "-2")]))


def test_identical_rows_can_end_in_different_clusters_as_before():
    # b and c are the same row twice; both share a's email and name, but a's patronymic
    # conflicts with theirs: each email link to a is refused, and nothing else links b to
    # c (the row-by-row rules star-link them to a, not to each other).
    rows = pl.DataFrame(
        [
            ("a", "E1", "Ольга", "Морозова", "Игоревна", None, "olga@mail.ru", None, None, "RU"),
            ("b", "E2", "Ольга", "Морозова", "Петровна", None, "olga@mail.ru", None, None, "RU"),
            ("c", "E3", "Ольга", "Морозова", "Петровна", None, "olga@mail.ru", None, None, "RU"),
            ("d", "E3", "Ольга", "Морозова", "Петровна", None, "olga@mail.ru", None, None, "RU"),
        ],
        schema={c: pl.String for c in COLUMNS},
        orient="row",
    )
    stats = assert_same(rows)
    clusters = resolve_persons(rows, SECRET).assignments["person_cluster"].to_list()
    assert clusters == [0, 1, 2, 3]
    assert stats["patronymic_conflict_links_dropped"] == 3


# --------------------------------------------------------------------------- per-value fast paths


def test_fold_latin_equals_its_plain_definition_for_every_character():
    def plain(text):
        text = unicodedata.normalize("NFKC", text).casefold().translate(transliteration._APOSTROPHES)
        text = "".join(transliteration._LATIN_FOLD.get(c, c) for c in text)
        decomposed = unicodedata.normalize("NFKD", text)
        return "".join(c for c in decomposed if not unicodedata.combining(c))

    characters = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    assert [transliteration.fold_latin(c) for c in characters] == [plain(c) for c in characters]
    rng = random.Random(3)
    pool = characters[:0x2500] + list("äöåøæþðüõßłđœŝûâëèêïžčšÄÖÅØẞǅﬁ’'`\u0301\u0308")
    words = ["".join(rng.choice(pool) for _ in range(rng.randrange(12))) for _ in range(20000)]
    words += ["Mäkinen", "ŜUKIN", "Sørensen", "Þórsdóttir", "Žilinskienė", "O’Brien"]
    assert [transliteration.fold_latin(w) for w in words] == [plain(w) for w in words]


def test_keyed_hashes_equal_the_plain_hmac():
    rng = random.Random(11)
    values = ["a.smirnov@sever.ru", "  Foo  BAR ", "Ａｂｃ", "Straße", "ǅ", "x\x1cy", "İstanbul", "", "ﬁ",
              "name:aleksei smirnov|org:|country:RU"]
    values += ["".join(chr(rng.choice([rng.randrange(32, 127), rng.randrange(0xA0, 0x3000)]))
                       for _ in range(rng.randrange(14))) for _ in range(5000)]
    for key in (SECRET, b"k" * 64, b"z" * 100, b"short"):
        expected = [_ref_hmac("person", v, key) for v in values]
        assert privacy.keyed_hashes("person", values, key) == expected
        assert [privacy.keyed_hash("person", v, key) for v in values] == expected
        assert privacy.person_key(values[0], key) == expected[0]


# --------------------------------------------------------------------------- resolution inside DuckDB


def _warehouse_with(rows: pl.DataFrame):
    import duckdb

    con = duckdb.connect()
    full = rows.with_columns(*[pl.lit(None, dtype=pl.String).alias(c) for c in COLUMNS if c not in rows.columns])
    con.register("_incoming", full.select(COLUMNS).to_arrow())
    con.execute("create schema raw; create table raw.registration_rows as select * from _incoming")
    con.unregister("_incoming")
    # as in the warehouse, the relation is a view
    con.execute("create view raw.registrations as select * from raw.registration_rows")
    return con


def assert_warehouse_same(rows: pl.DataFrame) -> dict:
    """resolve_warehouse writes the tables resolve_persons returns, row for row."""
    con = _warehouse_with(rows)
    stats = resolve_warehouse(con, SECRET)
    expected = resolve_persons(rows, SECRET)
    written = con.sql("select * from raw.person_identities").pl()
    assert written.equals(
        expected.assignments.select("registration_id", "person_key", "organisation_key", "person_cluster", "match_rule")
    )
    assert con.sql("select * from raw.person_match_evidence").pl().equals(expected.evidence)
    assert {k: v for k, v in stats.items() if k != "persons"} == expected.stats
    assert stats["persons"] == expected.assignments["person_key"].n_unique()
    # nothing of the work is left behind on the connection
    assert con.sql("select count(*) from duckdb_tables() where temporary").fetchall() == [(0,)]
    assert con.sql("select count(*) from duckdb_views() where temporary and not internal").fetchall() == [(0,)]
    return stats


def test_resolution_in_duckdb_writes_what_resolve_persons_returns():
    for seed in range(4):
        assert_warehouse_same(hard_rows(seed))
    # input order and ids that sort differently as bytes than as letters (ё after я, Z before a)
    shuffled = hard_rows(9).sample(fraction=1.0, shuffle=True, seed=3)
    ids = [("ё" if k % 3 == 0 else "Z" if k % 3 == 1 else "a") + rid for k, rid in enumerate(shuffled["registration_id"])]
    assert_warehouse_same(shuffled.with_columns(pl.Series("registration_id", ids)))
    rows, _ = make_evaluation_set(1500, seed=1)
    assert_warehouse_same(rows)


def test_resolution_in_duckdb_on_small_inputs_and_fallback_keys():
    assert_warehouse_same(pl.DataFrame(schema={c: pl.String for c in COLUMNS}))
    # no email, no name: every person is keyed by its registration (looked up in DuckDB)
    stats = assert_warehouse_same(pl.DataFrame({"registration_id": ["b", "a", "c"], "event_id": ["E", "E", "F"]}))
    assert stats["clusters"] == 3
    assert_warehouse_same(hard_rows(5, people=3, rows=4))


def test_resolution_in_duckdb_restores_the_connection_settings_and_refuses_duplicate_ids():
    con = _warehouse_with(hard_rows(2, people=10, rows=40))
    con.execute("set memory_limit = '1GB'")
    con.execute("set preserve_insertion_order = false")
    setting = "select current_setting('memory_limit'), current_setting('preserve_insertion_order')"
    before = con.execute(setting).fetchall()
    resolve_warehouse(con, SECRET)
    [(limit, preserved)] = con.execute(setting).fetchall()
    assert preserved is False
    # DuckDB prints its limit rounded to 0.1 of a unit; that print is all there is to restore
    amount, unit = limit.split()
    assert unit == before[0][0].split()[1] and abs(float(amount) - float(before[0][0].split()[0])) < 0.11
    con.execute("insert into raw.registration_rows select * from raw.registration_rows limit 1")
    with pytest.raises(ValueError, match="unique"):
        resolve_warehouse(con, SECRET, assignments_table="raw.other_identities")
    assert con.sql("select count(*) from duckdb_tables() where table_name = 'other_identities'").fetchall() == [(0,)]
