"""What a build reads, and how it knows what changed since the last one.

Every input file gets a :class:`FileStamp`: size, modification time and SHA-256. As in git's
index, a file whose size and time are those of the previous build keeps its recorded hash, so
a build that changed one article reads one article, not the corpus. Each article's content hash
covers its text, its mapping, the registry records it uses and the tool (version, ontology,
shapes, mapping code): equal hashes mean an equal named graph.

The parsed registry is cached beside the store as JSON (never pickle: the cache is data, not
code), keyed by the registry files' stamps, because reading 200,000 entries costs seconds.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .corpus import ARTICLES_DIR, ENTITIES_DIR, MAPPING_DIR, Corpus, Entity, TaggedAlias, read_registry
from .vocabulary import EntityType

CACHE_DIRNAME = ".kg-cache"
REGISTRY_CACHE = "registry.json"
# The code whose change changes the graph an article gives; a new version of any of these makes
# every article's content hash new (a full rebuild).
_TOOL_FILES = ("ontology.ttl", "shapes.ttl", "rdf.py", "article_graph.py", "validate.py", "dates.py",
               "textmatch.py", "vocabulary.py", "iris.py")


@dataclass(frozen=True)
class FileStamp:
    """A file's size, modification time (ns) and SHA-256, as ``size:mtime:sha256``."""

    size: int
    mtime_ns: int
    sha256: str

    def __str__(self) -> str:
        return f"{self.size}:{self.mtime_ns}:{self.sha256}"

    @staticmethod
    def sha(found: FileStamp | None) -> str | None:
        """The SHA-256 of ``found`` (None for no file)."""
        return found.sha256 if found else None

    @classmethod
    def parse(cls, text: str) -> FileStamp | None:
        try:
            size, mtime, sha = text.split(":")
            return cls(int(size), int(mtime), sha)
        except ValueError:
            return None


def stamp(path: Path, previous: FileStamp | None = None) -> FileStamp | None:
    """The stamp of ``path`` (None if it is not a readable file); the hash is read from
    ``previous`` when size and time are unchanged."""
    try:
        info = path.stat()
    except OSError:
        return None
    if previous is not None and (previous.size, previous.mtime_ns) == (info.st_size, info.st_mtime_ns):
        return previous
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
    return FileStamp(info.st_size, info.st_mtime_ns, digest)


@functools.cache
def tool_version() -> str:
    """The installed graph-model release ("unknown" from a checkout that was not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("graph-model")
    except PackageNotFoundError:
        return "unknown"


@functools.cache
def tool_fingerprint() -> str:
    """A hash of the tool version and of the files that decide what graph an article gives."""
    digest = hashlib.sha256(tool_version().encode())
    here = Path(__file__).parent
    for name in _TOOL_FILES:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    return digest.hexdigest()


def entity_record_hash(entity: Entity) -> str:
    """A hash of what the graph says of ``entity`` (not where it sits in its file)."""
    record = [entity.id, entity.type.value, entity.label, list(entity.aliases), entity.description,
              sorted([alias.value, alias.lang] for alias in entity.tagged_aliases)]
    return hashlib.sha256(json.dumps(record, ensure_ascii=False).encode()).hexdigest()[:32]


def content_hash(mapping: FileStamp, article: FileStamp | None, entity_hashes: list[str]) -> str:
    """The content hash of one article: its mapping, its text, the records of the entities its
    graph uses (``entity_hashes``, any order) and the tool."""
    digest = hashlib.sha256(tool_fingerprint().encode())
    digest.update(f"\0{mapping.sha256}\0{article.sha256 if article else ''}\0".encode())
    digest.update("\0".join(sorted(entity_hashes)).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class SeedFiles:
    """The files of a seeds directory a build reads: mapping files by article id (the file
    stem), article files by id, registry files."""

    seeds_dir: Path
    mappings: dict[str, Path]
    articles: dict[str, Path]
    registry: tuple[Path, ...]


def list_seed_files(seeds_dir: Path) -> SeedFiles:
    """The files in ``seeds_dir`` (folders that are missing list nothing: reading reports them)."""
    def listing(sub: str, pattern: str) -> dict[str, Path]:
        folder = seeds_dir / sub
        if not folder.is_dir():
            return {}
        with os.scandir(folder) as entries:
            names = sorted(e.name for e in entries if e.name.endswith(pattern[1:]))
        return {Path(name).stem: folder / name for name in names}

    return SeedFiles(seeds_dir, listing(MAPPING_DIR, "*.yaml"), listing(ARTICLES_DIR, "*.txt"),
                     tuple(listing(ENTITIES_DIR, "*.yaml").values()))


def registry_key(files: dict[Path, FileStamp | None]) -> str:
    """One hash for the registry files: their paths and contents (via their SHA-256)."""
    return hashlib.sha256("\n".join(f"{path}\0{files[path]}" for path in sorted(files)).encode()).hexdigest()


def load_registry(seeds_dir: Path, cache_dir: Path, key: str) -> Corpus:
    """The registry of ``seeds_dir``: from the cache if it was written for ``key``, else read
    (and cached when it read without problems)."""
    layout = read_registry(seeds_dir, entities=False)
    if not layout.problems:
        cached = _read_cache(cache_dir / REGISTRY_CACHE, key, layout)
        if cached is not None:
            return cached
    registry = read_registry(seeds_dir)
    if not registry.problems and not registry.stopped:
        _write_cache(cache_dir / REGISTRY_CACHE, key, registry)
    return registry


def _write_cache(path: Path, key: str, registry: Corpus) -> None:
    from .files import write_atomically

    entries = [[e.id, e.type.value, e.label, list(e.aliases), e.description, str(e.path), e.line,
                [[a.value, a.lang, a.line] for a in e.tagged_aliases]] for e in registry.entities.values()]
    data = json.dumps({"key": key, "entities": entries},
                      ensure_ascii=False, separators=(",", ":"))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, data.encode("utf-8"))


def _read_cache(path: Path, key: str, layout: Corpus) -> Corpus | None:
    try:
        data = json.loads(path.read_bytes())
        if data.get("key") != key:
            return None
        entities = {}
        for entity_id, kind, label, aliases, description, file, line, tagged in data["entities"]:
            entities[entity_id] = Entity(entity_id, EntityType(kind), label, tuple(aliases), description,
                                         Path(file), line, tuple(TaggedAlias(*t) for t in tagged))
    except (OSError, ValueError, TypeError, KeyError):
        return None  # no cache, or one from another version: read the registry instead
    layout.entities.update(entities)
    return layout
