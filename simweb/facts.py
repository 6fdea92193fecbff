"""Report figures, consistent by construction, and the defects injected into some of them."""

from __future__ import annotations

import hashlib
import random

T3_COLUMNS = ["natural_person", "business", "research", "public_interest", "legal_services",
              "other_org", "total"]
T3_RESULTS = [
    "granted", "partly_granted",
    "refused_state_secret", "refused_prohibited", "refused_safety_stability",
    "refused_third_party", "refused_internal", "refused_process", "refused_enforcement_file",
    "refused_query", "unable_not_held", "unable_needs_creation", "unable_unclear",
    "not_handled_petition", "not_handled_repeat", "not_handled_publication", "not_handled_mass",
    "not_handled_reconfirm", "other_no_correction", "other_no_fee", "other_other",
]
T3_ROWS = ["new", "carried_over", *T3_RESULTS, "results_total", "carried_forward"]
T4_GROUPS = ["review", "litigation_direct", "litigation_after_review"]
T4_OUTCOMES = ["upheld", "corrected", "other", "pending"]
# Result items most often used, weighted (most applications are granted or not held).
_RESULT_WEIGHTS = {"granted": 6, "partly_granted": 2, "unable_not_held": 3,
                   "refused_third_party": 1, "refused_process": 1, "not_handled_repeat": 1,
                   "other_other": 1}


def rng_for(*parts: object) -> random.Random:
    """A private RNG per purpose: stable across runs and Python versions (no hash())."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _split(rng: random.Random, total: int, keys: list[str], weights: list[int]) -> dict[str, int]:
    out = dict.fromkeys(keys, 0)
    for _ in range(total):
        out[rng.choices(keys, weights)[0]] += 1
    return out


def applications(rng: random.Random, busy: int, carried_over: dict[str, int] | None) -> dict:
    """Table 3 with every balance holding: per column new + carried = results + forward."""
    cols = T3_COLUMNS[:-1]
    col_w = [8, 2, 0, 1, 1, 1]
    new = _split(rng, rng.choice([0, 0, 0, 1, 2, 3, 5, 8]) * busy, cols, col_w)
    carried = carried_over or dict.fromkeys(cols, 0)
    table: dict[str, dict[str, int]] = {r: dict.fromkeys(cols, 0) for r in T3_ROWS}
    table["new"], table["carried_over"] = dict(new), dict(carried)
    for c in cols:
        todo = new[c] + carried[c]
        forward = rng.randint(0, min(todo, 1)) if todo else 0
        table["carried_forward"][c] = forward
        table["results_total"][c] = todo - forward
        keys, weights = list(_RESULT_WEIGHTS), list(_RESULT_WEIGHTS.values())
        for key, n in _split(rng, todo - forward, keys, weights).items():
            table[key][c] = n
    for row in table.values():
        row["total"] = sum(row[c] for c in cols)
    return table


def appeals(rng: random.Random, busy: int) -> dict:
    out = {}
    for g in T4_GROUPS:
        n = rng.choice([0, 0, 0, 0, 1, 2]) if busy else 0
        split = _split(rng, n, T4_OUTCOMES, [5, 1, 1, 1])
        out[g] = {**split, "total": n}
    return out


def active(rng: random.Random, busy: int, prev_in_force: int | None) -> dict:
    issued = rng.choice([0, 0, 1, 2, 3]) * busy
    repealed = rng.choice([0, 0, 0, 1]) if issued else 0
    base = prev_in_force if prev_in_force is not None else rng.randint(0, 6) * busy
    return {
        "regulations": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_documents": {"issued": issued, "repealed": min(repealed, base + issued),
                                "in_force": max(base + issued - repealed, 0)},
        "licensing": rng.choice([0, 0, 3, 12, 40]) * busy,
        "penalty": rng.choice([0, 0, 0, 2, 7]) * busy,
        "enforcement": 0,
        "fees": 0,
    }
