"""The types stay true: the stub (_core.pyi) names exactly what the compiled module has, the py.typed marker is
installed with it, and the result classes annotate exactly the keys the analyses produce."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import headroom as hr
from headroom import _core, _result
from conftest import AUTOEQ_DIR


def stub_members() -> dict[str, set[str]]:
    stub = Path(hr.__file__).with_name("_core.pyi")
    tree = ast.parse(stub.read_text())
    members: dict[str, set[str]] = {"": set()}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            members[node.name] = {
                n.name if isinstance(n, ast.FunctionDef) else n.target.id  # type: ignore[union-attr]
                for n in node.body
                if isinstance(n, ast.FunctionDef) or (isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name))
            }
            members[""].add(node.name)
        elif isinstance(node, ast.FunctionDef):
            members[""].add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            members[""].add(node.target.id)
        elif isinstance(node, ast.Assign):
            members[""].update(t.id for t in node.targets if isinstance(t, ast.Name) and not t.id.startswith("_"))
    return members


def test_the_stub_names_what_the_module_has():
    stub = stub_members()
    module = {name for name in dir(_core) if not name.startswith("__") or name == "__version__"}
    assert module == stub[""], f"differ: {sorted(module ^ stub[''])}"
    for name in module:
        cls = getattr(_core, name)
        if not inspect.isclass(cls) or issubclass(cls, BaseException):
            continue
        public = {m for m in dir(cls) if not m.startswith("_")}
        assert public == stub[name] - {"__init__"}, f"{name}: differ: {sorted(public ^ (stub[name] - {'__init__'}))}"
    for name in ("SpecError", "ParseError", "InputFileError", "UnknownNameError"):
        assert stub[name], f"{name}: its attributes are typed"


def test_the_package_is_marked_typed():
    assert Path(hr.__file__).with_name("py.typed").is_file()


def test_results_annotate_exactly_the_keys_they_carry():
    # Between them these analyses produce every key an analysis can have.
    hp = hr.Headphone(32, "97dB/mW", rated_power="100mW", curve=hr.ImpedanceCurve.driver("Re=25,Le=0.1mH,fs=100Hz,Qms=3,Qes=0.5"))
    eq = hr.ParametricEQ.load(AUTOEQ_DIR / "Sennheiser HD 650 ParametricEQ.txt")
    stages = [
        hr.OutputStage(power=["1W@64", "300mW@300"], zout=1, noise="2uV", source="2V", gain=6),
        hr.OutputStage(vmax=2, noise="3uV").bridged(),
    ]
    keys: set[str] = set()
    for stage in stages:
        for prog in (None, hr.Programme(90, crest=18)):
            keys |= set(hr.analyse(stage, hp, prog, eq=eq))
    annotated = set(inspect.get_annotations(_result.Analysis))
    assert keys == annotated, f"differ: {sorted(keys ^ annotated)}"
    compared = hr.compare_outputs("AFUL Snowy Night", "Sennheiser HD600", target=85)
    assert set(compared.outputs[0]) <= annotated | set(inspect.get_annotations(_result.ComparedOutput))
    assert set(compared.verdict) == set(inspect.get_annotations(_result.Verdict))
    need_keys = set(hr.need(hp, target=85)) | set(hr.need(hr.Headphone(32, "97dB/mW@500Hz"), target=85, eq=eq))
    assert need_keys == set(inspect.get_annotations(_result.Need))
    assert set(hr.fit(["1W@32", "100mW@300"])) == set(inspect.get_annotations(_result.Fit))
    rows = hr.rank_outputs("Sennheiser HD600", target=85, top=1).rows + hr.rank_headphones("Schiit Magni 2", target=85, top=1).rows
    # A headphone with a curve adds the worst headroom across the band.
    rows += hr.rank_outputs("Sennheiser HD650 (measured)", target=85, top=1).rows
    assert set().union(*(set(r) for r in rows)) == set(inspect.get_annotations(_result.Recommendation))
