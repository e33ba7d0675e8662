"""headroom.dask_sweep on a local cluster of two worker processes equals headroom.sweep exactly: every statistic
(the mean included, bit for bit), every per-headphone array and the top lists, whatever the cut into parts."""

from __future__ import annotations

import numpy as np
import pytest

import headroom as hr

distributed = pytest.importorskip("distributed")

TIMING = {"seconds", "pairs_per_second", "threads", "memory_bytes", "working_bytes"}


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, distributed.Client(cluster) as c:
        yield c


def assert_identical(local: hr.SweepResult, cluster: hr.SweepResult) -> None:
    a = {k: v for k, v in local.to_dict().items() if k not in TIMING}
    b = {k: v for k, v in cluster.to_dict().items() if k not in TIMING}
    assert a == b
    for name, x, y in zip(hr.PerHeadphone._fields, local.per_headphone, cluster.per_headphone):
        assert x.dtype == y.dtype and np.array_equal(x, y), name
    for name, x, y in zip(hr.Top._fields, local.top, cluster.top):
        assert x.dtype == y.dtype and np.array_equal(x, y), name


@pytest.mark.parametrize("precision,partitions", [("float", 3), ("double", 5), ("float", None)])
def test_a_cluster_sweep_is_the_local_sweep(client, precision, partitions):
    outputs, headphones = hr.synthetic(200, 2500, 9)
    kwargs = dict(target=90, crest=18, min_headroom=3, top=3, precision=precision)
    local = hr.sweep(outputs, headphones, **kwargs)
    cluster = hr.dask_sweep(client, outputs, headphones, partitions=partitions, **kwargs)
    assert_identical(local, cluster)
    assert cluster.headroom_db["mean"] == local.headroom_db["mean"]


def test_a_cluster_sweep_of_the_catalog(client):
    cat = hr.catalog()
    programme = hr.Programme(95, crest=18)
    local = hr.sweep(cat, cat, programme, top=2)
    cluster = hr.dask_sweep(client, cat, cat, programme, top=2, partitions=4)
    assert_identical(local, cluster)
    assert cluster.to_dict()["top"][0]["best"][0]["output_name"] == local.to_dict()["top"][0]["best"][0]["output_name"]


def test_more_parts_than_headphones(client):
    outputs, headphones = hr.synthetic(30, 3, 2)
    assert_identical(hr.sweep(outputs, headphones, top=1), hr.dask_sweep(client, outputs, headphones, top=1, partitions=10))


def test_bad_settings_are_raised_before_any_work_is_sent(client):
    outputs, headphones = hr.synthetic(3, 3, 2)
    with pytest.raises(hr.SpecError) as e:
        hr.dask_sweep(client, outputs, headphones, partitions=0)
    assert e.value.field == "partitions"
    with pytest.raises(hr.SpecError) as e:
        hr.dask_sweep(client, outputs, headphones, hr.Programme(85), target=90)
    assert e.value.field == "target"
    with pytest.raises(hr.ParseError) as e:
        hr.dask_sweep(client, outputs, headphones, min_headroom="lots")
    assert e.value.field == "min_headroom"
    with pytest.raises(hr.SpecError) as e:
        hr.dask_sweep(client, outputs, dict(headphones, r=-headphones["r"]))
    assert e.value.field == "r"


def test_a_hundred_back_to_back_calls_on_one_cluster_each_equal_the_local_sweep(client):
    # The same data every time: scattered under unique keys, so a call never finds a key an earlier one released.
    outputs, headphones = hr.synthetic(20, 300, 4)
    kwargs = dict(target=90, crest=12, top=2)
    local = hr.sweep(outputs, headphones, **kwargs)
    for _ in range(100):
        assert_identical(local, hr.dask_sweep(client, outputs, headphones, partitions=2, **kwargs))


def test_concurrent_calls_on_one_cluster(client):
    from concurrent.futures import ThreadPoolExecutor

    outputs, headphones = hr.synthetic(20, 300, 5)
    local = hr.sweep(outputs, headphones, top=1)
    with ThreadPoolExecutor(4) as pool:
        for r in pool.map(lambda _: hr.dask_sweep(client, outputs, headphones, partitions=3, top=1), range(8)):
            assert_identical(local, r)


ACROSS_TIMING = {"seconds", "cpu_seconds", "pair_frequencies_per_second", "threads", "memory_bytes", "working_bytes"}


def assert_identical_across(local: hr.AcrossResult, cluster: hr.AcrossResult) -> None:
    assert isinstance(cluster, hr.AcrossResult)
    a = {k: v for k, v in local.to_dict().items() if k not in ACROSS_TIMING}
    b = {k: v for k, v in cluster.to_dict().items() if k not in ACROSS_TIMING}
    assert a == b
    assert list(local.to_dict()) == list(cluster.to_dict())  # the command's keys, in its order
    for name, x, y in zip(hr.AcrossPerHeadphone._fields, local.per_headphone, cluster.per_headphone):
        assert x.dtype == y.dtype and np.array_equal(x, y, equal_nan=True), name
    for name, x, y in zip(hr.AcrossTop._fields, local.top, cluster.top):
        assert x.dtype == y.dtype and np.array_equal(x, y, equal_nan=True), name
    assert cluster.grid is None


@pytest.mark.parametrize("precision,partitions,eq", [
    ("float", 3, None),
    ("double", 5, None),
    ("float", None, "one"),
    ("double", 4, "by name"),
    ("float", 100, "by name"),  # more parts than chunks of headphones: one per chunk
])
def test_a_cluster_sweep_across_frequency_is_the_local_sweep(client, precision, partitions, eq):
    from conftest import AUTOEQ_DIR

    cat = hr.catalog()
    preset = hr.ParametricEQ.load(AUTOEQ_DIR / "Sennheiser HD 600 ParametricEQ.txt")
    given = {"one": preset, "by name": {"Sennheiser HD600": preset, "HiFiMan Sundara": hr.ParametricEQ.load(AUTOEQ_DIR / "HIFIMAN Sundara ParametricEQ.txt")},
             None: None}[eq]
    kwargs = dict(target=95, crest=18, min_headroom=6, top=3, precision=precision, across_frequency=True, eq=given)
    local = hr.sweep(cat, cat, **kwargs)
    cluster = hr.dask_sweep(client, cat, cat, partitions=partitions, **kwargs)
    assert_identical_across(local, cluster)
    assert cluster.worst_headroom_db["mean"] == local.worst_headroom_db["mean"]  # summed as the engine sums it
    assert cluster.evaluated_pair_frequencies == local.evaluated_pair_frequencies  # whole chunks: the same pruning
    if eq is not None:
        assert cluster.eq == local.eq and cluster.eq_headphones == local.eq_headphones > 0


def test_a_cluster_sweep_across_frequency_of_a_few_headphones(client):
    # Fewer headphones than a chunk, and gear given as objects and columns.
    cat = hr.catalog()
    headphones = [h.model for h in cat.headphones[:5]]
    outputs = hr.output_columns(cat.amplifiers[:10])
    local = hr.sweep(outputs, headphones, top=2, across_frequency=True)
    assert_identical_across(local, hr.dask_sweep(client, outputs, headphones, top=2, across_frequency=True, partitions=3))


def test_what_a_cluster_sweep_cannot_honour_is_refused_naming_the_keyword(client):
    cat = hr.catalog()
    outputs, headphones = hr.synthetic(3, 3, 2)
    eq = hr.ParametricEQ.read("Preamp: -6 dB\nFilter 1: ON LSC Fc 105 Hz Gain 6 dB Q 0.7")
    cases = [
        (lambda: hr.dask_sweep(client, outputs, headphones, across_frequency=True), "r"),  # columns have no curves
        (lambda: hr.dask_sweep(client, cat, cat, eq=eq), "eq"),  # EQ is a frequency's boost: across frequency only
        (lambda: hr.dask_sweep(client, cat, cat, across_frequency=True, eq={"No Such Headphone": eq}), "eq"),
        (lambda: hr.dask_sweep(client, cat, cat, across_frequency=True, partitions=0), "partitions"),
        (lambda: hr.dask_sweep(client, cat, cat, across_frequency=True, target="loud"), "target"),
    ]
    for call, field in cases:
        with pytest.raises(hr.HeadroomError) as e:
            call()
        assert e.value.field == field
    with pytest.raises(TypeError, match="grid"):
        hr.dask_sweep(client, cat, cat, across_frequency=True, grid=True)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="across_frequency"):
        hr.dask_sweep(client, cat, cat, across_frequency="yes")
