"""Result objects: the figures of an analysis under the command line's JSON keys.

A result is a read-only mapping (``r["max_spl_db"]``, ``dict(r)``, ``r.to_dict()``) whose keys are exactly those of
the matching ``headroom ... --json`` output, with the same units: SI base units and dB, the unit in the key
(``_db``, ``_vrms``, ``_arms``, ``_w``, ``_ohm``, ``_hz``). The keys are also attributes (``r.max_spl_db``); a key the
annotations below name but the result lacks (``headroom_db`` without a programme) reads as ``None`` as an attribute
and raises ``KeyError`` as an item, as it is missing from the JSON.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any


class Result(Mapping[str, Any]):
    """Figures under the command line's JSON keys: a read-only mapping whose keys are also attributes."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_data", dict(data))

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __getattr__(self, name: str) -> Any:
        data = object.__getattribute__(self, "_data")
        if name in data:
            return data[name]
        if name in _annotations(type(self)):
            return None  # a figure this kind of result has only in some cases (a programme, a curve, a source)
        raise AttributeError(f"{type(self).__name__} has no figure {name!r}; it has {', '.join(data)}")

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._data))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Result):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-serialisable copy (``json.dumps(r.to_dict())`` gives the command line's document)."""
        return copy.deepcopy(self._data)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in list(self._data.items())[:6])
        more = ", ..." if len(self._data) > 6 else ""
        return f"{type(self).__name__}({shown}{more})"


def _annotations(cls: type) -> set[str]:
    names: set[str] = set()
    for base in cls.__mro__:
        names.update(getattr(base, "__annotations__", {}))
    return names


class Analysis(Result):
    """One output stage driving one headphone: the keys of ``headroom pair ... --json``.

    Always: the maximum continuous sine (``max_spl_db``, ``limit``, ``load_voltage_vrms``, ``load_current_arms``,
    ``load_power_w``), damping and the 1/8 rule. With a stated noise: ``hiss_spl_db`` (``_max`` for a range).
    With a programme: ``headroom_db`` and ``headroom_limit``, what it needs (``required_*``) and the exposure. With a
    source and gain: ``gain_db``, ``gain_needed_db``, ``gain_headroom_db``. With an impedance curve or an EQ: the
    figures across 20 Hz-20 kHz (``fr_deviation_db``, ``worst_headroom_db``, ``eq_max_boost_db``, ...).
    """

    __slots__ = ()
    topology: str
    derived: bool
    sensitivity_db_per_v: float
    sensitivity_frequency_hz: float | None
    max_spl_db: float
    limit: str
    load_voltage_vrms: float
    load_current_arms: float
    load_power_w: float
    extrapolated: dict[str, Any] | None
    damping_factor: float | None
    zout_loss_db: float
    meets_one_eighth_rule: bool | None
    one_eighth_rule_load_ohm: float
    zout_stated: bool
    exceeds_rated_power: bool | None
    hiss_spl_db: float | None
    hiss_spl_db_max: float | None
    hiss_weighting: str | None
    hiss_noise_basis: str | None
    dynamic_range_db: float | None
    target_spl_db: float | None
    crest_factor_db: float | None
    required_voltage_vrms: float | None
    required_current_arms: float | None
    required_power_w: float | None
    required_peak_voltage_v: float | None
    required_peak_current_a: float | None
    required_sine_power_w: float | None
    required_open_circuit_voltage_vrms: float | None
    headroom_db: float | None
    headroom_limit: str | None
    hiss_below_target_db: float | None
    exposure_dba: float | None
    a_weighting_db: float | None
    exposure_spectrum: str | None
    exposure_minutes: float | None
    who_weekly_hours: float | None
    gain_db: float | None
    gain_needed_db: float | None
    gain_headroom_db: float | None
    fr_deviation_db: float | None
    min_impedance_ohm: float | None
    min_impedance_hz: float | None
    worst_max_spl_db: float | None
    worst_max_spl_hz: float | None
    worst_max_spl_limit: str | None
    worst_headroom_db: float | None
    worst_headroom_hz: float | None
    worst_headroom_limit: str | None
    eq_max_boost_db: float | None
    eq_max_boost_hz: float | None
    eq_preamp_db: float | None
    eq_programme_increase_db: float | None
    eq_spectrum: str | None
    eq_digital_clipping_db: float | None
    eq_programme_headroom_db: float | None
    hiss_audibility: str | None
    hiss_spl_dba: float | None
    hiss_threshold_dba: float | None
    hiss_background_dba: float | None
    hiss_audibility_margin_db: float | None
    hiss_audibility_upper_bound: bool | None
    volume_attenuation_db: float | None
    volume_control: str | None
    volume_reference: str | None
    volume_full_output_vrms: float | None
    volume_dynamic_range_db: float | None
    volume_remaining_range_db: float | None
    volume_warnings: list[str] | None
    attenuator: dict[str, Any] | None


class ComparedOutput(Analysis):
    """One option of a comparison: the pair keys, and which output and gain setting it is."""

    __slots__ = ()
    output: str
    gain_setting: str | None
    recommended_gain: bool
    setting_kind: str
    fails_one_eighth_rule_for_headroom: bool


class Need(Result):
    """What a headphone needs to play a programme, without an amplifier: the keys of ``headroom need --json``."""

    __slots__ = ()
    impedance_ohm: float
    sensitivity_db_per_v: float
    target_spl_db: float
    crest_factor_db: float
    required_voltage_vrms: float
    required_current_arms: float
    required_power_w: float
    required_peak_voltage_v: float
    required_peak_current_a: float
    required_sine_power_w: float
    required_open_circuit_voltage_vrms: float
    zout_ohm: float | None
    source_vrms: float
    gain_after_source_db: float
    eq_max_boost_db: float | None
    eq_max_boost_hz: float | None
    sensitivity_frequency_hz: float | None
    load_ohm: float | None
    rated_power_w: float | None
    peaks_exceed_rated_power: bool | None
    attenuator: dict[str, Any] | None


class Fit(Result):
    """A power table's fitted limits: the keys of ``headroom fit --json``, and ``stage``, the fitted OutputStage
    (the limits and the stated table, which errs low everywhere) for the analyses."""

    __slots__ = ("stage",)
    model: str
    vmax_vrms: float | None
    vmax_is_lower_bound: bool
    source_resistance_ohm: float | None
    imax_arms: float | None
    pmax_w: float | None
    zout_ohm: float
    points: list[dict[str, Any]]
    max_error_db: float

    def __init__(self, data: Mapping[str, Any], stage: Any) -> None:
        super().__init__(data)
        object.__setattr__(self, "stage", stage)


class Verdict(Result):
    """The comparison's verdict: the best output and gain setting, the ranking and the words."""

    __slots__ = ()
    output: str
    gain_setting: str | None
    ranking: list[int]
    enough_headroom_db: float
    sensitive_headphone: bool
    balanced_vs_single_ended: dict[str, Any] | None
    lines: list[str]


class Comparison:
    """Every output (and gain setting) of an amplifier for one headphone: the document of
    ``headroom pair --headphone H --amp A --json``. ``outputs`` in the order given, ``verdict``, and ``best``, the
    option the verdict advises."""

    __slots__ = ("outputs", "verdict")

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.outputs: list[ComparedOutput] = [ComparedOutput(o) for o in data["outputs"]]
        self.verdict = Verdict(data["verdict"])

    @property
    def best(self) -> ComparedOutput:
        return self.outputs[self.verdict.ranking[0]]

    def to_dict(self) -> dict[str, Any]:
        return {"outputs": [o.to_dict() for o in self.outputs], "verdict": self.verdict.to_dict()}

    def __repr__(self) -> str:
        label = self.best.output + (f" ({self.best.gain_setting} gain)" if self.best.gain_setting else "")
        return f"Comparison({len(self.outputs)} options, best {label!r})"


class Recommendation(Result):
    """One ranked row of a recommendation: the keys of a row of ``headroom sweep --headphone H --json``."""

    __slots__ = ()
    rank: int
    amplifier: str | None
    headphone: str | None
    output: str
    gain_setting: str | None
    topology: str
    headroom_db: float | None
    headroom_limit: str | None
    max_spl_db: float
    limit: str
    hiss_spl_db: float | None
    hiss_spl_db_max: float | None
    zout_ohm: float | None
    worst_headroom_db: float | None
    hiss_audibility: str | None
    hiss_spl_dba: float | None
    volume_attenuation_db: float | None


class Recommendations:
    """A ranked table: for a headphone, every output that qualifies (``rank_outputs``); for an amplifier, every
    headphone it drives (``rank_headphones``). ``to_dict()`` is one element of ``sweep ... --json``
    "recommendations"."""

    __slots__ = ("owner_key", "owner", "attenuator", "qualifying", "noise_unknown", "rows")

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.owner_key = "headphone" if "headphone" in data else "amplifier"
        self.owner: str = data[self.owner_key]
        self.attenuator: str | None = data.get("attenuator")
        self.qualifying: int = data["qualifying"]
        # With max_hiss: the rows with the headroom whose noise is not known (never listed as passing); else None.
        self.noise_unknown: int | None = data.get("noise_unknown")
        rows_key = "outputs" if self.owner_key == "headphone" else "headphones"
        self.rows: list[Recommendation] = [Recommendation(r) for r in data[rows_key]]

    def __iter__(self) -> Iterator[Recommendation]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, k: int) -> Recommendation:
        return self.rows[k]

    def to_dict(self) -> dict[str, Any]:
        rows_key = "outputs" if self.owner_key == "headphone" else "headphones"
        return {
            self.owner_key: self.owner,
            "attenuator": self.attenuator,
            "qualifying": self.qualifying,
            "noise_unknown": self.noise_unknown,
            rows_key: [r.to_dict() for r in self.rows],
        }

    def __repr__(self) -> str:
        return f"Recommendations({self.owner_key}={self.owner!r}, qualifying={self.qualifying}, rows={len(self.rows)})"
