"""Apache Jena SHACL as an anchor for the fast engine: Debian's ``libapache-jena-java``.

    apt-get install libapache-jena-java libxerces2-java default-jre-headless

Debian ships Jena's jars without a launcher. Two things make them run (found by trying):

- the classpath must hold exactly one SLF4J binding (``slf4j-nop``): Debian's ``libslf4j-java``
  installs several, and SLF4J refuses to choose;
- Debian's Jena relocates its shaded Xerces to the package ``xerces.*`` but keeps the message
  bundles under ``org/apache/jena/ext/xerces/``, so the datatype factory fails with "internal
  error" at start-up; copying those ``.properties`` under ``xerces/`` in a folder on the
  classpath fixes it.

Where Java or the jars are missing, :func:`classpath` says why and the benchmark skips the row.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

#: Debian packages whose jars Jena's SHACL command needs (libapache-jena-java's Depends, plus
#: what those need at run time).
PACKAGES = (
    "libapache-jena-java", "libcommons-cli-java", "libcommons-codec-java", "libcommons-compress-java", "libcommons-csv-java",
    "libcommons-io-java", "libcommons-lang3-java", "libcommons-collections4-java", "libdexx-java", "libgoogle-gson-java",
    "libguava-java", "libhttpclient-java", "libhttpcore-java", "libcommons-logging-java", "libjackson2-core-java",
    "libjackson2-databind-java", "libjackson2-annotations-java", "libjsonld-java", "libjsonp2-java", "libprotobuf-java",
    "libslf4j-java", "libthrift-java", "libtitanium-json-ld-java",
)
#: SLF4J jars that are not the one binding we keep (slf4j-nop) or the API.
_OTHER_SLF4J = ("slf4j-simple", "slf4j-jdk14", "slf4j-log4j", "slf4j-reload", "slf4j-ext", "slf4j-migrator", "slf4j-jcl",
                "slf4j-android", "jcl-over-slf4j", "jul-to-slf4j", "log4j-over-slf4j")
MAIN_CLASS = "shacl.shacl"


def _jars(package: str) -> list[str]:
    done = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True, check=False)
    return [line for line in done.stdout.splitlines() if line.startswith("/usr/share/java/") and line.endswith(".jar") and line.count("/") == 4]


def classpath(work: Path) -> tuple[str | None, str]:
    """The classpath to run Jena's SHACL command, or None and the reason it cannot run here."""
    if shutil.which("java") is None:
        return None, "no java on PATH (apt-get install default-jre-headless)"
    if shutil.which("dpkg") is None:
        return None, "not a Debian system (dpkg missing)"
    jars = sorted({j for p in PACKAGES for j in _jars(p)})
    core = Path("/usr/share/java/jena-core.jar")
    if not core.is_file() or not jars:
        return None, "Jena is not installed (apt-get install libapache-jena-java)"
    # one jar per library: the unversioned names are links to the versioned ones
    jars = [j for j in jars if not any(j.split("/")[-1].startswith(x) for x in _OTHER_SLF4J) and not _versioned(j)]
    bundles = work / "jena-bundles"
    if not bundles.is_dir():
        with zipfile.ZipFile(core) as z:
            for name in z.namelist():
                if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                    target = bundles / "xerces" / name.removeprefix("org/apache/jena/ext/xerces/")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(z.read(name))
    return ":".join([*jars, str(bundles)]), ""


def _versioned(jar: str) -> bool:
    """``foo-1.2.3.jar`` when ``foo.jar`` exists too."""
    name = jar.split("/")[-1].removesuffix(".jar")
    stem, _, version = name.rpartition("-")
    return bool(stem) and version[:1].isdigit() and Path(f"/usr/share/java/{stem}.jar").exists()


def command(cp: str, shapes: Path, data: Path) -> list[str]:
    """``shacl validate`` of ``data`` (N-Triples) against ``shapes``; prints the report (Turtle)."""
    return ["java", "-Xmx4g", "-cp", cp, MAIN_CLASS, "validate", "--shapes", str(shapes), "--data", str(data)]


def conforms(report: str) -> bool:
    """Does Jena's Turtle report say the data conforms?"""
    return "sh:conforms  true" in report or "sh:conforms true" in report
