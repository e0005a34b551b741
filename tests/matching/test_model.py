"""Fellegi–Sunter model: defaults, EM without labels, label recalibration, persistence."""

import json

import numpy as np
import pytest

from kinlink.matching import FIELDS, LEVELS, FellegiSunterModel, PersonRecord

F = len(FIELDS)


def synthetic_pairs(n_match=400, n_non=8000, seed=1):
    """Comparison vectors drawn from known m and u distributions."""
    rng = np.random.default_rng(seed)
    true_m, true_u = {}, {}
    for f in FIELDS:
        k = len(LEVELS[f]) - 1
        m = np.linspace(2.0, 0.1, k)  # agreement levels likely among matches
        u = np.linspace(0.1, 2.0, k)
        m[-1] = 0.2
        u[-1] = 6.0
        true_m[f] = m / m.sum()
        true_u[f] = u / u.sum()
    rows, labels = [], []
    for is_m, n in ((True, n_match), (False, n_non)):
        dist = true_m if is_m else true_u
        cols = [rng.choice(np.arange(1, len(LEVELS[f])), size=n, p=dist[f]) for f in FIELDS]
        for i in range(n):
            rows.append(tuple(int(c[i]) for c in cols))
            labels.append(is_m)
    return rows, labels, true_m, true_u


def test_defaults_work_untrained():
    m = FellegiSunterModel.hand_set()
    agree = [1] * F
    disagree = [len(LEVELS[f]) - 1 for f in FIELDS]
    missing = [0] * F
    assert m.probability(agree) > 0.99
    assert m.probability(disagree) < 0.001
    assert m.score(missing) == 0.0
    assert abs(m.probability(missing) - m.prior) < 1e-9
    w = m.weights()
    assert w["given_name"]["exact"] > w["given_name"]["fuzzy_low"] > w["given_name"]["different"]
    assert w["date_of_birth"]["exact"] > w["date_of_birth"]["within_2"]


def test_contributions_sum_to_score():
    m = FellegiSunterModel()
    lv = (2, 1, 0, 4, 1, 3, 1, 0)
    assert sum(c.weight for c in m.contributions(lv)) == pytest.approx(m.score(lv))
    assert m.contributions(lv)[2].level == "missing"


def test_em_converges_and_recovers_structure():
    rows, labels, true_m, true_u = synthetic_pairs()
    model = FellegiSunterModel()
    res = model.fit_em(rows, max_iter=300, tol=1e-6)
    assert res["converged"]
    ll = res["loglik"]
    assert ll[-1] > ll[0]  # (MAP-EM: the smoothed posterior, not ll, is monotone)
    assert model.prior == pytest.approx(400 / 8400, rel=0.25)
    for f in FIELDS:
        est = np.array(model.m[f][1:])
        assert np.abs(est - true_m[f]).max() < 0.08, f
    # the trained model separates the two classes
    probs = np.array([model.probability(r) for r in rows])
    y = np.array(labels)
    assert probs[y].mean() > 0.8 and probs[~y].mean() < 0.05


def test_u_from_random_pairs():
    rows, labels, _, true_u = synthetic_pairs(n_match=0, n_non=5000)
    model = FellegiSunterModel().fit_u_random(rows)
    for f in FIELDS:
        assert np.abs(np.array(model.u[f][1:]) - true_u[f]).max() < 0.03


def test_label_recalibration_moves_parameters_the_right_way():
    model = FellegiSunterModel()
    gi = FIELDS.index("given_name")
    fz = LEVELS["given_name"].index("fuzzy_low")
    before_m = model.m["given_name"][fz]
    before_u = model.u["given_name"][fz]
    # this deployment's confirmed matches often have only a loosely similar given name ...
    pos = [(fz, 1, 0, 1, 1, 1, 1, 1)] * 60
    # ... and rejected candidates often agree on family name only
    neg = [(9, 1, 0, 7, 1, 1, 4, 4)] * 60
    before_p = model.probability(pos[0])
    model.fit_from_labels(pos + neg, [True] * 60 + [False] * 60)
    assert model.m["given_name"][fz] > before_m
    assert model.u["given_name"][fz] < before_u
    assert model.m["given_name"][9] < FellegiSunterModel().m["given_name"][9]
    assert model.probability(pos[0]) >= before_p
    assert model.probability(neg[0]) < 0.5
    assert gi == 0


def test_labels_teach_new_name_variants():
    a = PersonRecord("a", "Bakhrom", "Karimov")
    b = PersonRecord("b", "Boboi", "Karimov")
    model = FellegiSunterModel().fit_from_labels([(a, b)], [True])
    assert ("Bakhrom", "Boboi") in model.learned_names


def test_save_and_load_roundtrip(tmp_path):
    model = FellegiSunterModel()
    model.fit_em(synthetic_pairs(50, 500)[0], max_iter=20)
    model.learned_names.append(("Bakhrom", "Boboi"))
    p = tmp_path / "params.json"
    model.save(p)
    data = json.loads(p.read_text())
    assert data["format"].startswith("kinlink.matching")
    loaded = FellegiSunterModel.load(p)
    lv = (1, 2, 0, 3, 1, 2, 1, 0)
    assert loaded.probability(lv) == pytest.approx(model.probability(lv))
    assert loaded.learned_names == [("Bakhrom", "Boboi")]
    assert not list(tmp_path.glob(".model-*"))


def test_load_rejects_foreign_json(tmp_path):
    p = tmp_path / "x.json"
    p.write_text('{"hello": 1}')
    with pytest.raises(ValueError):
        FellegiSunterModel.load(p)


def test_shipped_parameters_are_loaded_by_default():
    from kinlink.matching.model import DEFAULT_MODEL_PATH

    assert DEFAULT_MODEL_PATH.exists()
    m = FellegiSunterModel()
    shipped = FellegiSunterModel.load(DEFAULT_MODEL_PATH)
    for f in FIELDS:
        assert np.allclose(m.m[f], shipped.m[f]) and np.allclose(m.u[f], shipped.u[f])
    assert (m.calib_a, m.calib_b, m.prior) == (shipped.calib_a, shipped.calib_b, shipped.prior)
    assert not np.allclose(m.m["given_name"], FellegiSunterModel.hand_set().m["given_name"])
    w = m.weights()
    for f in ("given_name", "family_name"):
        assert w[f]["exact"] > 0 > w[f]["different"]
    assert (
        w["date_of_birth"]["exact"]
        > w["date_of_birth"]["within_2"]
        > (w["date_of_birth"]["different"])
    )
    assert m.probability([1] * F) > 0.99
    assert m.probability([len(LEVELS[f]) - 1 for f in FIELDS]) < 0.001
    # round trip
    again = FellegiSunterModel.from_dict(m.to_dict())
    assert all(np.allclose(again.m[f], m.m[f]) for f in FIELDS)


def test_em_with_u_from_marginals_keeps_u_fixed():
    rows, _labels, _tm, _tu = synthetic_pairs(n_match=100, n_non=5000, seed=5)
    m = FellegiSunterModel.hand_set()
    out = m.fit_em(rows, max_iter=50, u_from_marginals=True, max_prior=0.02)
    assert out["prior"] <= 0.02 + 1e-12
    assert m.weights()["given_name"]["exact"] > 0
