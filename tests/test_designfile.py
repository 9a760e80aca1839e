"""The design file ai-factory-design/1: lossless round trip and precise errors with JSON paths."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.domain.design import ROTATIONS
from studio.domain.designfile import DesignFileError, dump_design, dump_design_text, load_design, parse_design_text
from tests.test_rules_support import SITE, design_dict, dgx_stack, rack, small_catalog

CATALOG = small_catalog()

EXAMPLE = {
    "format": "ai-factory-design/1",
    "name": "Inference pod A",
    "site": copy.deepcopy(SITE),
    "racks": [
        {"id": "A01", "model": "rack-48u-600x1200", "x_tiles": 2, "y_tiles": 3, "rotation": 0,
         "cooling": "rdhx-active",
         "pdus": [{"model": "pdu-415v-60a-3ph", "feed": "A"}, {"model": "pdu-415v-60a-3ph", "feed": "B"}],
         "devices": [{"model": "dgx-h100", "u": 1}, {"model": "dgx-h100", "u": 9}]}
    ],
    "fabrics": {"compute": {"model": "quantum-2-ndr", "topology": "rail-optimized", "oversubscription": 1.0}},
    "storage": [{"model": "ddn-ai400x2t", "count": 2}],
    "facility": [{"model": "cdu-1350kw", "count": 2}],
    "workloads": [{"kind": "inference", "model": "llama-3.1-70b", "precision": "fp8",
                   "scenario": "server", "input_tokens": 1000, "output_tokens": 300,
                   "ttft_p99_limit_ms": 2000, "tpot_p99_limit_ms": 100}],
}


def error_of(data) -> DesignFileError:
    with pytest.raises(DesignFileError) as caught:
        load_design(data, CATALOG)
    return caught.value


def with_change(path_fn):
    data = copy.deepcopy(EXAMPLE)
    path_fn(data)
    return data


def test_the_architecture_example_round_trips_exactly():
    design = load_design(copy.deepcopy(EXAMPLE), CATALOG)
    assert dump_design(design) == EXAMPLE
    assert load_design(json.loads(dump_design_text(design)), CATALOG) == design


def test_a_minimal_design_gets_its_defaults_written_out():
    data = {"format": "ai-factory-design/1", "site": {"width_m": 10, "depth_m": 8},
            "racks": [{"id": "R1", "model": "rack-42u-600x1200", "x_tiles": 0, "y_tiles": 2}]}
    dumped = dump_design(load_design(data, CATALOG))
    assert dumped["site"]["tile_mm"] == 600 and dumped["site"]["pue"] == 1.3
    assert dumped["racks"][0] == {"id": "R1", "model": "rack-42u-600x1200", "x_tiles": 0, "y_tiles": 2,
                                  "rotation": 0, "cooling": "air", "pdus": [], "devices": []}
    assert dump_design(load_design(dumped, CATALOG)) == dumped


def test_bad_json_names_the_line_and_column():
    with pytest.raises(DesignFileError) as caught:
        parse_design_text('{"format": "ai-factory-design/1",\n  "site": {,}}', CATALOG)
    assert "line 2, column 12" in caught.value.message


def test_a_missing_format_is_an_error_at_format():
    data = copy.deepcopy(EXAMPLE)
    del data["format"]
    err = error_of(data)
    assert err.path == "format" and "ai-factory-design/1" in err.message


def test_a_wrong_format_says_what_was_found():
    err = error_of(with_change(lambda d: d.update(format="ai-factory-design/2")))
    assert err.path == "format" and "'ai-factory-design/2'" in err.message


@pytest.mark.parametrize(("change", "path", "words"), [
    (lambda d: d.update(colour="red"), "colour", "unknown field 'colour'"),
    (lambda d: d["site"].update(height_m=3), "site.height_m", "unknown field"),
    (lambda d: d["site"]["cooling"].update(water_kw=3), "site.cooling.water_kw", "unknown field"),
    (lambda d: d["racks"][0].update(label="x"), "racks[0].label", "unknown field"),
    (lambda d: d["racks"][0]["devices"][0].update(serial="x"), "racks[0].devices[0].serial", "unknown field"),
    (lambda d: d["racks"][0]["pdus"][1].update(phase=2), "racks[0].pdus[1].phase", "unknown field"),
    (lambda d: d["fabrics"]["compute"].update(speed=400), "fabrics.compute.speed", "unknown field"),
    (lambda d: d["fabrics"].update(nvlink={"model": "quantum-2-ndr"}), "fabrics.nvlink", "unknown field"),
    (lambda d: d["storage"][0].update(size=1), "storage[0].size", "unknown field"),
    (lambda d: d["workloads"][0].update(batch=1), "workloads[0].batch", "unknown field"),
])
def test_unknown_fields_anywhere_are_errors(change, path, words):
    err = error_of(with_change(change))
    assert err.path == path and words in err.message


@pytest.mark.parametrize(("change", "path", "words"), [
    (lambda d: d["racks"][0]["devices"][1].update(model="dgx-h999"), "racks[0].devices[1].model",
     "expected a device (system, switch, storage or in-rack cooling) slug from the catalog, found unknown slug "
     "'dgx-h999'"),
    (lambda d: d["racks"][0].update(model="rack-99u"), "racks[0].model", "a rack cabinet or rack-scale system"),
    (lambda d: d["racks"][0]["pdus"][0].update(model="pdu-1v"), "racks[0].pdus[0].model", "a rack PDU"),
    (lambda d: d["racks"][0].update(cooling="magic"), "racks[0].cooling", "a rack cooling method"),
    (lambda d: d["fabrics"]["compute"].update(model="ib-9000"), "fabrics.compute.model", "a network switch"),
    (lambda d: d["storage"][0].update(model="tape"), "storage[0].model", "a storage appliance"),
    (lambda d: d["facility"][0].update(model="fan"), "facility[0].model", "facility cooling equipment"),
    (lambda d: d["workloads"][0].update(model="gpt-9"), "workloads[0].model", "an LLM model"),
])
def test_unknown_slugs_name_the_kind_expected(change, path, words):
    err = error_of(with_change(change))
    assert err.path == path and words in err.message


@pytest.mark.parametrize(("change", "path", "words"), [
    (lambda d: d["racks"][0]["devices"][0].update(model="pdu-415v-60a-3ph"), "racks[0].devices[0].model",
     "which is a pdu"),
    (lambda d: d["racks"][0]["devices"][0].update(model="gb200-nvl72"), "racks[0].devices[0].model",
     "rack-scale system"),
    (lambda d: d["racks"][0]["devices"][0].update(model="cdu-1350kw"), "racks[0].devices[0].model",
     "floor-standing"),
    (lambda d: d["racks"][0].update(model="dgx-h100"), "racks[0].model", "which is a server"),
    (lambda d: d["racks"][0].update(cooling="cdu-1350kw"), "racks[0].cooling", "which is a facility-cooling"),
    (lambda d: d["fabrics"]["compute"].update(model="dgx-h100"), "fabrics.compute.model", "which is a system"),
])
def test_a_slug_of_the_wrong_kind_says_what_it_is(change, path, words):
    err = error_of(with_change(change))
    assert err.path == path and words in err.message


def test_an_in_rack_cdu_and_a_rack_scale_rack_are_accepted():
    data = with_change(lambda d: d["racks"][0]["devices"].append({"model": "cdu-121kw", "u": 40}))
    data["racks"].append({"id": "NVL1", "model": "gb200-nvl72", "x_tiles": 10, "y_tiles": 3, "cooling": "dlc"})
    design = load_design(data, CATALOG)
    assert design.racks[1].model == "gb200-nvl72"


@pytest.mark.parametrize(("change", "path", "words"), [
    (lambda d: d["site"].update(width_m=0), "site.width_m", "above 0"),
    (lambda d: d["site"].update(width_m=-5), "site.width_m", "above 0"),
    (lambda d: d["site"].update(depth_m=2500), "site.depth_m", "at most 2000"),
    (lambda d: d["site"].update(pue=0.9), "site.pue", "at least 1"),
    (lambda d: d["site"].update(pue=7), "site.pue", "at most 5"),
    (lambda d: d["site"].update(it_power_kw=-1), "site.it_power_kw", "at least 0"),
    (lambda d: d["site"].update(tile_mm=10), "site.tile_mm", "at least 300"),
    (lambda d: d["site"].update(redundancy="3N"), "site.redundancy", "expected one of"),
    (lambda d: d["site"]["cooling"].update(air_kw=-3), "site.cooling.air_kw", "at least 0"),
    (lambda d: d["site"].update(floor_max_kg_per_m2=0), "site.floor_max_kg_per_m2", "above 0"),
    (lambda d: d["racks"][0]["devices"][0].update(u=0), "racks[0].devices[0].u", "at least 1"),
    (lambda d: d["racks"][0]["devices"][0].update(u=1.5), "racks[0].devices[0].u", "whole number"),
    (lambda d: d["racks"][0].update(rotation=45), "racks[0].rotation", "expected one of 0, 90, 180, 270"),
    (lambda d: d["racks"][0]["pdus"][0].update(feed="C"), "racks[0].pdus[0].feed", "expected one of 'A', 'B'"),
    (lambda d: d["racks"][0].update(x_tiles=-1), "racks[0].x_tiles", "at least 0"),
    (lambda d: d["storage"][0].update(count=0), "storage[0].count", "at least 1"),
    (lambda d: d["facility"][0].update(count=-2), "facility[0].count", "at least 1"),
    (lambda d: d["fabrics"]["compute"].update(oversubscription=0.5), "fabrics.compute.oversubscription",
     "at least 1"),
    (lambda d: d["fabrics"]["compute"].update(topology="torus"), "fabrics.compute.topology", "expected one of"),
    (lambda d: d["workloads"][0].update(input_tokens=0), "workloads[0].input_tokens", "at least 1"),
    (lambda d: d["workloads"][0].update(precision="fp64"), "workloads[0].precision", "expected one of"),
])
def test_impossible_numbers_and_values_are_errors(change, path, words):
    err = error_of(with_change(change))
    assert err.path == path and words in err.message


@pytest.mark.parametrize(("change", "path", "words"), [
    (lambda d: d["racks"][0].update(x_tiles="2"), "racks[0].x_tiles", "found the text '2'"),
    (lambda d: d["racks"][0].update(y_tiles=True), "racks[0].y_tiles", "found true"),
    (lambda d: d["site"].update(width_m=None), "site.width_m", "found null"),
    (lambda d: d["site"].update(pue=float("nan")), "site.pue", "finite"),
    (lambda d: d.update(racks={}), "racks", "expected a list, found an object"),
    (lambda d: d["racks"].append(7), "racks[1]", "expected an object"),
    (lambda d: d["racks"][0].update(id=""), "racks[0].id", "non-empty"),
    (lambda d: d.update(name=3), "name", "expected text"),
    (lambda d: d["site"].pop("width_m"), "site.width_m", "missing required field"),
    (lambda d: d["racks"][0]["devices"][0].pop("u"), "racks[0].devices[0].u", "missing required field"),
    (lambda d: d["workloads"][0].pop("model"), "workloads[0].model", "missing required field"),
])
def test_wrong_types_and_missing_fields_are_errors(change, path, words):
    err = error_of(with_change(change))
    assert err.path == path and words in err.message


def test_duplicate_rack_ids_are_errors():
    data = with_change(lambda d: d["racks"].append(dict(d["racks"][0], x_tiles=9)))
    err = error_of(data)
    assert err.path == "racks[1].id" and "racks[0]" in err.message


def test_the_top_level_must_be_an_object():
    err = error_of([1, 2])
    assert err.path == "" and "found a list" in err.message
    assert str(err).startswith("(file)")


# --- property: any design the reader accepts round-trips -------------------------------

rack_strategy = st.builds(
    lambda i, x, y, rot, cooling, n_dev, feeds: rack(
        f"R{i}", model="rack-48u-600x1200", x=x, y=y, rotation=rot, cooling=cooling,
        pdus=[("pdu-415v-60a-3ph", f) for f in feeds], devices=dgx_stack(n_dev)),
    st.integers(0, 10_000), st.integers(0, 60), st.integers(0, 40), st.sampled_from(ROTATIONS),
    st.sampled_from(["air", "rdhx-active", "dlc"]), st.integers(0, 6), st.lists(st.sampled_from("AB"), max_size=4),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(rack_strategy, max_size=6, unique_by=lambda r: r["id"]),
       st.floats(1.0, 5.0, allow_nan=False), st.sampled_from(["N", "N+1", "2N", "2N+1"]))
def test_any_accepted_design_round_trips(racks, pue, redundancy):
    data = design_dict(racks, site={"pue": pue, "redundancy": redundancy})
    design = load_design(data, CATALOG)
    dumped = dump_design(design)
    assert load_design(dumped, CATALOG) == design
    assert dump_design(load_design(json.loads(json.dumps(dumped)), CATALOG)) == dumped
