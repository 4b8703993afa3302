"""Top labels compared across providers (image_classify/_labels.py): one ImageNet class
in any provider's spelling is one label; anything else compares by normalized text."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from image_classify._labels import LABELS_FILE, Agreement, agreement, canonical, normalize

ROOT = Path(__file__).resolve().parents[2]
PERSIAN_CAT = "n02123394"
BIRD_CRANE, MACHINE_CRANE = "n02012849", "n03126707"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("PERSIAN CAT", "persian cat"),
        ("  tabby,  tabby cat ", "tabby tabby cat"),
        ("real-image", "real image"),
        ("Jack-o'-Lantern", "jack o lantern"),
        ("snake_case__label", "snake case label"),
        ("Straße", "strasse"),
        ("", ""),
    ],
)
def test_normalize(label: str, expected: str) -> None:
    assert normalize(label) == expected


@pytest.mark.parametrize(
    "labels",
    [
        # Cloudflare, Hugging Face, IMG Processing
        ("PERSIAN CAT", "Persian cat", "Persian Cat"),
        # Hugging Face gives the whole synonym string; others one synonym, in any case
        ("tabby, tabby cat", "Tabby", "TABBY CAT", "tabby cat"),
        ("Egyptian cat", "EGYPTIAN CAT"),
        ("tree frog, tree-frog", "TREE-FROG", "tree frog"),
    ],
)
def test_spellings_of_one_class_agree(labels: tuple[str, ...]) -> None:
    keys = {canonical(label) for label in labels}
    assert len(keys) == 1, keys
    (key,) = keys
    assert key.startswith("n"), key  # an ImageNet class, not normalized text
    result = agreement({f"p{i}": label for i, label in enumerate(labels)})
    assert (result.count, result.total) == (len(labels), len(labels))


def test_persian_cat_is_its_wordnet_id() -> None:
    assert canonical("Persian cat") == PERSIAN_CAT


def test_tiger_cat_and_tiger_are_different_classes() -> None:
    assert canonical("tiger cat") != canonical("tiger")
    assert canonical("TIGER") == canonical("tiger, Panthera tigris")
    result = agreement({"huggingface": "tiger cat", "cloudflare": "TIGER"})
    assert result.count == 1
    assert str(result) == "no two of 2 providers agree on the top label"


def test_labels_outside_imagenet_compare_by_normalized_text() -> None:
    # Roboflow's and Edge Impulse's labels are their models' own, not ImageNet's.
    assert canonical("real-image") == "real image" == canonical("Real_Image")
    assert canonical("cat") == "cat" == canonical("CAT")  # "cat" alone is no ImageNet class
    assert canonical("cat") != canonical("tabby cat")
    result = agreement({"roboflow": "real-image", "edge_impulse": "Real Image"})
    assert (result.count, result.label) == (2, "real-image")


def test_crane_is_the_bird_whichever_crane_was_meant() -> None:
    """ImageNet names two classes just "crane" (134, the bird; 517, the machine): the
    lowest index wins, so every spelling of "crane" is one label."""
    assert canonical("crane") == canonical("Crane") == canonical("CRANE") == BIRD_CRANE
    assert MACHINE_CRANE not in {canonical("crane"), canonical("crane, crane")}
    assert agreement({"a": "crane", "b": "CRANE"}).label == "crane"


def test_a_whole_synonym_string_beats_a_synonym_of_another_class() -> None:
    # 638 is "maillot"; 639 is "maillot, tank suit".
    assert canonical("Maillot") == "n03710637"
    assert canonical("MAILLOT, TANK SUIT") == canonical("tank suit") == "n03710721"
    # "missile": the whole of 657; the second synonym of 744 "projectile, missile".
    assert canonical("missile") == "n03773504"
    assert canonical("projectile") == "n04008634"


def test_an_ambiguous_synonym_names_the_class_where_it_stands_first() -> None:
    # "partridge": 86's first synonym, 82's ("ruffed grouse, partridge, ...") second.
    assert canonical("Partridge") == "n01807496"
    # "panda": third synonym of the red panda (387), second of the giant panda (388).
    assert canonical("panda") == canonical("giant panda") == "n02510455"
    assert canonical("panda") != canonical("red panda")
    # "tub": the first synonym of 876 "tub, vat", the fourth of 435 "bathtub, ...".
    assert canonical("tub") == canonical("vat") != canonical("bathtub")


def test_a_shortened_synonym_string_names_the_class_of_its_first_part() -> None:
    assert canonical("tabby, tabby cat, house cat") == canonical("tabby")
    assert canonical("real, image") == "real image"


def test_every_class_is_named_by_its_whole_string_and_by_its_first_synonym() -> None:
    """The shipped data: 1000 classes, each named by its whole synonym string, except the
    machine crane (whose whole string is the bird's too). Each is named by its first
    synonym alone too, except where that word is another class's whole string: "crane"
    (517), "Cardigan" (264, the corgi; "cardigan" is 474, the sweater) and "maillot"
    (639; "maillot" alone is 638). Case cannot tell "CARDIGAN" the dog from the sweater."""
    classes = json.loads(LABELS_FILE.read_text(encoding="utf-8"))["classes"]
    assert [c["index"] for c in classes] == list(range(1000))
    assert len({c["wnid"] for c in classes}) == 1000
    by_whole = [c["index"] for c in classes if canonical(", ".join(c["synonyms"])) != c["wnid"]]
    assert by_whole == [517]
    by_first = [c["index"] for c in classes if canonical(c["synonyms"][0].upper()) != c["wnid"]]
    assert by_first == [264, 517, 639]
    assert canonical("Cardigan, Cardigan Welsh corgi") == canonical("Cardigan Welsh corgi")
    assert canonical("CARDIGAN") == canonical("cardigan") != canonical("Cardigan Welsh corgi")


def test_the_agreement_line_for_five_providers() -> None:
    result = agreement(
        {
            "cloudflare": "PERSIAN CAT",
            "edge_impulse": "cat",
            "huggingface": "Persian cat",
            "img_processing": "Persian Cat",
            "roboflow": "real-image",
        }
    )
    assert result == Agreement(
        label="Persian cat",
        count=3,
        total=5,
        providers=("cloudflare", "huggingface", "img_processing"),
    )
    assert str(result) == (
        "3 of 5 providers agree on the top label: Persian cat "
        "(cloudflare, huggingface, img_processing)"
    )


def test_the_readable_label_is_the_first_synonym() -> None:
    result = agreement({"huggingface": "tabby, tabby cat", "cloudflare": "TABBY CAT"})
    assert str(result) == (
        "2 of 2 providers agree on the top label: tabby (huggingface, cloudflare)"
    )


def test_no_two_agree() -> None:
    result = agreement(
        {"a": "Persian cat", "b": "tabby", "c": "tiger cat", "d": "real-image", "e": "cat"}
    )
    assert (result.count, result.total, result.providers) == (1, 5, ("a",))
    assert str(result) == "no two of 5 providers agree on the top label"
    assert str(agreement({"a": "cat"})) == "no two of 1 provider agree on the top label"
    assert agreement({}) == Agreement(label="", count=0, total=0, providers=())


def test_ties_are_broken_by_provider_order() -> None:
    tied = {"a": "tiger cat", "b": "TIGER", "c": "Tiger Cat", "d": "tiger"}
    assert agreement(tied).providers == ("a", "c")
    reordered = {"b": "TIGER", "a": "tiger cat", "c": "Tiger Cat", "d": "tiger"}
    assert agreement(reordered).providers == ("b", "d")
    assert agreement(reordered).label == "tiger"


def test_empty_labels_agree_with_nothing() -> None:
    result = agreement({"a": "", "b": " - ", "c": "cat"})
    assert (result.count, result.total) == (1, 3)


def test_importing_the_runtime_does_not_read_the_class_list() -> None:
    """Only the first canonical() call opens imagenet_labels.json, and only once."""
    script = f"""
import sys
opened = []
def hook(event, args):
    if event == "open" and str(args[0]).endswith("imagenet_labels.json"):
        opened.append(args[0])
sys.addaudithook(hook)
import image_classify
from image_classify import _labels
assert opened == [], opened
assert _labels._index.cache_info().currsize == 0
assert _labels.normalize("Persian Cat") == "persian cat" and opened == []
assert _labels.canonical("Persian Cat") == {PERSIAN_CAT!r}
assert _labels.canonical("TABBY") != _labels.canonical("Persian Cat")
assert str(_labels.agreement({{"a": "tiger", "b": "TIGER"}})).startswith("2 of 2")
assert len(opened) == 1, opened
print("ok")
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout.strip()) == (0, "ok"), done.stderr


def test_the_class_list_ships_in_the_wheel() -> None:
    """Builds nothing: the file sits in the package the wheel takes whole (hatch includes
    a package's data files), and git does not ignore it."""
    assert LABELS_FILE.parent == ROOT / "image_classify"
    assert LABELS_FILE.is_file()
    with (ROOT / "pyproject.toml").open("rb") as file:
        wheel = tomllib.load(file)["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert "image_classify" in wheel["packages"]
    assert not wheel.get("exclude"), wheel.get("exclude")
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", "-q", str(LABELS_FILE)],
        cwd=ROOT,
        check=False,
    )
    assert ignored.returncode == 1, "image_classify/imagenet_labels.json is git-ignored"
