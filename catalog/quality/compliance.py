"""DCAT-AP 3.0.1 compliance of a dataset's own DCAT graph, with pyshacl and the official shapes.

The core shapes (shapes.ttl, SEMIC) are read from settings.DCAT_AP_SHAPES_DIR (default
../shared/data/dcat-ap-3.0.1 beside the project). Without them the indicator is "not checked" —
never a guess. Many datasets are validated in one pyshacl call (a run validates in batches) and each
violation is attributed to the dataset(s) its focus node belongs to.
"""

import hashlib
import logging
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, RDF, SH

logger = logging.getLogger(__name__)

# The core constraints decide (range.ttl also demands the class of every external IRI, which a
# description of someone else's dataset rarely states; our own output passes both, see tests/catalog/dcat).
SHAPE_FILES = ("shapes.ttl",)
MAX_VIOLATIONS_KEPT = 20


def shapes_dir() -> Path:
    configured = getattr(settings, "DCAT_AP_SHAPES_DIR", "")
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR).parent / "shared" / "data" / "dcat-ap-3.0.1"


def shapes_available() -> bool:
    directory = shapes_dir()
    return all((directory / name).is_file() for name in SHAPE_FILES)


@lru_cache(maxsize=2)
def _shapes(directory: str) -> Graph:
    graph = Graph()
    for name in SHAPE_FILES:
        graph.parse(Path(directory) / name, format="turtle")
    return graph


def shapes() -> Graph | None:
    """The core and range shapes, parsed once per process; None when they are not installed."""
    if not shapes_available():
        return None
    return _shapes(str(shapes_dir()))


def violations(data: Graph) -> list[dict] | None:
    """The sh:Violation results of `data` (focus node, path, message); None without shapes."""
    from pyshacl import validate

    shape_graph = shapes()
    if shape_graph is None:
        return None
    _conforms, report, _text = validate(
        data_graph=data, shacl_graph=shape_graph, inference="none", advanced=False, allow_warnings=True
    )
    found = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) != SH.Violation:
            continue
        path = report.value(result, SH.resultPath)
        found.append(
            {
                "focus": report.value(result, SH.focusNode),
                "path": str(path) if path is not None else "",
                "message": str(report.value(result, SH.resultMessage) or ""),
            }
        )
    return found


def _owners(graph: Graph, node, datasets: set, depth: int = 5) -> set:
    """The dcat:Datasets from which `node` is reachable (walking backwards a few steps)."""
    found, frontier, seen = set(), {node}, set()
    for _step in range(depth):
        following = set()
        for current in frontier:
            if current in seen:
                continue
            seen.add(current)
            if current in datasets:
                found.add(current)
                continue
            following.update(graph.subjects(None, current))
        frontier = following
        if not frontier:
            break
    return found


def check_graph(graph: Graph, subjects: list | None = None) -> dict | None:
    """Validate `graph` once; {dataset node: [violations]} for `subjects` (default: every dcat:Dataset),
    with an empty list for compliant ones. None when the shapes are not installed."""
    results = violations(graph)
    if results is None:
        return None
    datasets = set(subjects if subjects is not None else graph.subjects(RDF.type, DCAT.Dataset))
    by_dataset: dict = {subject: [] for subject in datasets}
    for result in results:
        for owner in _owners(graph, result["focus"], datasets):
            if len(by_dataset[owner]) < MAX_VIOLATIONS_KEPT:
                by_dataset[owner].append(
                    {"focus": str(result["focus"]), "path": result["path"], "message": result["message"]}
                )
    return by_dataset


def dataset_subgraph(graph: Graph, subject, limit: int = 5000) -> Graph:
    """The dataset's own description inside a larger graph (a catalogue page): its triples and those of
    the nodes it reaches (distributions, contact points, locations, agents), not its sibling datasets."""
    sub = Graph()
    for prefix, namespace in graph.namespaces():
        sub.bind(prefix, namespace)
    todo, done = [subject], set()
    while todo and len(done) < limit:
        node = todo.pop()
        if node in done:
            continue
        done.add(node)
        for predicate, value in graph.predicate_objects(node):
            sub.add((node, predicate, value))
            if not isinstance(value, URIRef) or (value, RDF.type, DCAT.Dataset) not in graph:
                todo.append(value)
    return sub


def dataset_graph_key(dataset) -> str:
    """What the dataset's DCAT graph depends on: an unchanged key means an unchanged graph, so its
    earlier verdict stands (validating is the slow part of scoring)."""
    distributions = sorted(
        (d.pk, d.updated_at.isoformat() if d.updated_at else "") for d in dataset.distributions.all()
    )
    publisher = dataset.publisher.updated_at.isoformat()
    raw = f"{dataset.pk}|{dataset.updated_at.isoformat()}|{publisher}|{distributions}"
    return hashlib.sha256(raw.encode()).hexdigest()


def check_datasets(datasets: list) -> dict[int, list[dict]] | None:
    """DCAT-AP violations per dataset pk (an empty list: compliant), validated in one pyshacl call over
    the datasets' own graphs (catalog.dcat.graph); None without shapes."""
    from catalog.dcat.graph import dataset_graph

    if not shapes_available():
        return None
    combined = Graph()
    nodes = {}
    for dataset in datasets:
        graph = dataset_graph(dataset)
        combined += graph
        nodes[URIRef(dataset.uri)] = dataset.pk
    found = check_graph(combined, list(nodes))
    if found is None:
        return None
    return {nodes[node]: problems for node, problems in found.items()}
