#!/usr/bin/env bash
# Sets up Jupyter for kd4j's notebooks, in one command from the project root or anywhere:
#
#   notebooks/setup-kernel.sh
#
# 1. Jupyter: checked; installed with apt when missing and run as root (otherwise says what to install).
# 2. The Java kernel: io.github.padreati:rapaio-jupyter-kernel (Maven Central) fetched by Maven, plus
#    notebooks/kernel/Kd4jKernel.java (a launcher that avoids the kernel's start-up race) compiled beside it.
# 3. kd4j: the jar (mvn package, tests skipped) and its runtime classpath, gathered as
#    target/notebook/kd4j-classpath.jar, a manifest-only jar whose Class-Path names target/notebook/lib/*.jar
#    (links to the jars in ~/.m2). A notebook's first cells add it with `%jar`.
# 4. The kernelspec `kd4j-java` ("Java (kd4j)"), installed for this user, whose JVM gets .mvn/jvm.config's flags.
#
# Idempotent: re-running rebuilds kd4j and replaces the kernelspec. Options:
#   --no-build   skip step 3's `mvn package` (the jar must exist; CI runs this after `mvn verify`)
#   --no-apt     never install with apt; only say what is missing
# Maven runs offline first and online only when that fails (a fresh ~/.m2).
set -euo pipefail

KERNEL_VERSION=3.0.1
KERNEL_ARTIFACT=io.github.padreati:rapaio-jupyter-kernel:${KERNEL_VERSION}
KERNEL_NAME=kd4j-java
DISPLAY_NAME="Java (kd4j)"

cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=target/notebook
build=1
apt_ok=1
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --no-apt) apt_ok=0 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "setup-kernel.sh: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done
started=$(date +%s)
say() { echo "[setup-kernel] $*"; }

# Maven, offline first (the usual case: ~/.m2 already holds everything), then online.
mvn_any() {
  if mvn -o -B -q "$@"; then return 0; fi
  say "offline Maven failed; retrying online: mvn -B -q $*"
  mvn -B -q "$@"
}

# --- 1. Jupyter -------------------------------------------------------------------------------------------
APT_PACKAGES="jupyter-notebook jupyter-client python3-nbclient python3-nbformat"
have_jupyter() {
  command -v jupyter >/dev/null 2>&1 && jupyter kernelspec --version >/dev/null 2>&1 \
    && command -v jupyter-notebook >/dev/null 2>&1
}
if ! have_jupyter; then
  if [ "$apt_ok" = 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Jupyter with apt: $APT_PACKAGES"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $APT_PACKAGES >/dev/null
  else
    echo "Jupyter is missing: install it, e.g. 'sudo apt-get install $APT_PACKAGES'" \
         "(Debian/Ubuntu) or 'pip install notebook nbclient', then re-run $0" >&2
    exit 1
  fi
fi
say "Jupyter: $(jupyter notebook --version 2>/dev/null | tail -1) (jupyter-client $(jupyter kernelspec --version 2>/dev/null | tail -1))"

# --- Java -------------------------------------------------------------------------------------------------
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then JAVA="$JAVA_HOME/bin/java"; JAVAC="$JAVA_HOME/bin/javac"
else JAVA=$(command -v java || true); JAVAC=$(command -v javac || true); fi
if [ -z "$JAVA" ] || [ -z "$JAVAC" ] || [ ! -x "$JAVAC" ]; then
  echo "a JDK 17 or newer is needed (java and javac on PATH, or JAVA_HOME)" >&2; exit 1
fi
java_major=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [ "${java_major%%.*}" -lt 17 ] 2>/dev/null; then
  echo "the kernel needs Java 17 or newer; $JAVA is $java_major" >&2; exit 1
fi

# --- 2. The kernel jar from Maven Central, and the launcher ------------------------------------------------
mkdir -p "$OUT/kernel"
kernel_jar="$OUT/kernel/rapaio-jupyter-kernel-${KERNEL_VERSION}.jar"
if [ ! -f "$kernel_jar" ]; then
  say "fetching $KERNEL_ARTIFACT"
  mvn_any dependency:copy -Dartifact="$KERNEL_ARTIFACT" -DoutputDirectory="$OUT/kernel" -Dmdep.overWriteReleases=true
fi
spec="$OUT/kernelspec"
rm -rf "$spec"
mkdir -p "$spec/launcher"
cp "$kernel_jar" "$spec/"
"$JAVAC" --release 17 -nowarn -cp "$kernel_jar" -d "$spec/launcher" notebooks/kernel/Kd4jKernel.java

# --- 3. kd4j and its runtime classpath ---------------------------------------------------------------------
if [ "$build" = 1 ]; then
  say "building kd4j (mvn package, tests skipped)"
  mvn_any -DskipTests package
fi
kd4j_jar=$(ls target/kd4j-*.jar 2>/dev/null | grep -v -E -- '-(sources|javadoc|tests)\.jar$' | head -1 || true)
if [ -z "$kd4j_jar" ]; then
  echo "no target/kd4j-*.jar: build it with 'mvn -DskipTests package' or run $0 without --no-build" >&2; exit 1
fi
mvn_any dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$OUT/classpath.txt"
rm -rf "$OUT/lib"
mkdir -p "$OUT/lib"
n=0
# numbered links keep Maven's classpath order and avoid clashes between jars of the same file name
for jar in "$ROOT/$kd4j_jar" $(tr ':' ' ' < "$OUT/classpath.txt"); do
  n=$((n + 1))
  ln -s "$jar" "$OUT/lib/$(printf %03d "$n")-$(basename "$jar")"
done
# a manifest-only jar: one `%jar` line in a notebook puts all of them on the kernel's classpath (JShell's
# compiler and class loader both follow Class-Path); manifest lines are at most 72 bytes, continued with a space
{
  echo "Manifest-Version: 1.0"
  { printf 'Class-Path:'; for f in "$OUT"/lib/*.jar; do printf ' lib/%s' "$(basename "$f")"; done; echo; } \
    | fold -b -w 71 | sed '2,$s/^/ /'
  echo
} > "$OUT/manifest.txt"
rm -f "$OUT/kd4j-classpath.jar"
jar --create --file "$OUT/kd4j-classpath.jar" --manifest "$OUT/manifest.txt"
say "kd4j classpath: $OUT/kd4j-classpath.jar ($n jars: $kd4j_jar and its runtime dependencies)"

# --- 4. The kernelspec --------------------------------------------------------------------------------------
# The kernel runs notebook code in its own JVM (JShell with direct execution), so kd4j's JVM flags go here:
# .mvn/jvm.config's (-Xss2m for SameDiff's deep graphs, heap and off-heap limits). No --add-opens is needed.
jvm_flags=$(tr -s ' \n' '\n' < .mvn/jvm.config | grep -v '^$' || true)
JAVA="$JAVA" KERNEL_JAR="$(basename "$kernel_jar")" DISPLAY_NAME="$DISPLAY_NAME" JVM_FLAGS="$jvm_flags" \
  python3 - "$spec/kernel.json" <<'EOF'
import json, os, sys
argv = [os.environ["JAVA"], *[f for f in os.environ["JVM_FLAGS"].split("\n") if f],
        "-cp", "{resource_dir}/" + os.environ["KERNEL_JAR"] + ":{resource_dir}/launcher",
        "Kd4jKernel", "{connection_file}"]
spec = {"argv": argv, "display_name": os.environ["DISPLAY_NAME"], "language": "java", "interrupt_mode": "message",
        # RJK_MIMA_CACHE: %dependency's local Maven repository, relative to the kernelspec (linked to ~/.m2 below)
        "env": {"RJK_CLASSPATH": "", "RJK_COMPILER_OPTIONS": "", "RJK_INIT_SCRIPT": "",
                "RJK_TIMEOUT_MILLIS": "-1", "RJK_MIMA_CACHE": "mima_cache"}}
with open(sys.argv[1], "w") as f:
    json.dump(spec, f, indent=1)
    f.write("\n")
EOF
jupyter kernelspec install --user --replace --name "$KERNEL_NAME" "$spec" >/dev/null 2>&1 \
  || { echo "jupyter kernelspec install failed:" >&2; jupyter kernelspec install --user --replace --name "$KERNEL_NAME" "$spec"; exit 1; }
installed=$(jupyter kernelspec list 2>/dev/null | awk -v k="$KERNEL_NAME" '$1 == k {print $2}')
if [ -z "$installed" ] || [ ! -d "$installed" ]; then
  echo "kernelspec $KERNEL_NAME was installed but 'jupyter kernelspec list' does not show it" >&2; exit 1
fi
# %dependency /add ... resolves through the user's Maven repository: offline for what ~/.m2 holds already
mkdir -p "$HOME/.m2/repository"
ln -sfn "$HOME/.m2/repository" "$installed/mima_cache"
say "kernelspec $KERNEL_NAME (\"$DISPLAY_NAME\") installed in $installed"
say "done in $(( $(date +%s) - started )) s. Start Jupyter with: jupyter notebook notebooks/"
say "execute every notebook headless (as CI does): notebooks/run-all.sh"
