#!/usr/bin/env bash
# Builds and runs the example application (examples/consumer) against the kd4j artifact, the way an application that
# embeds a student uses kd4j, and asserts that kd4j's heavy integrations stay out of its dependency tree.
#
#   examples/consumer/check.sh                          # from anywhere; .ci/run calls it after the test suite
#   KD4J_MVN_FLAGS="-o -B" examples/consumer/check.sh   # offline (dependencies already in ~/.m2)
#
# Steps: install kd4j into the local repository (tests skipped); train a tiny run directory with kd4j's CLI (200
# shipped SST-2 sentences, a one-layer student, one small teacher) and export its student to ONNX; build the consumer;
# check its dependency tree and class path; classify texts given as arguments, on standard input and with the exported
# model, and check the output. Everything it writes is under examples/consumer/target/.
set -euo pipefail

consumer="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$consumer/../.." && pwd)"
out="$consumer/target"
mvn_flags=(${KD4J_MVN_FLAGS:--B})
java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
start=$SECONDS

fail() {
    echo "consumer check FAILED: $*" >&2
    exit 1
}

# groupId:artifactId patterns (extended regular expressions) that must not reach an embedding application: the CLI,
# sweeps, ONNX Runtime, SameDiff's graph importers (and the Kotlin runtime they bring), plots, the progress bar, Spark,
# a notebook kernel, the augment command's tagger, and kd4j's test- and build-only dependencies
forbidden=(
    'info\.picocli:'
    'org\.deeplearning4j:arbiter'
    'com\.microsoft\.onnxruntime:'
    'org\.nd4j:samediff-import'
    'org\.jetbrains\.kotlin:'
    'org\.knowm\.xchart:'
    'me\.tongfei:progressbar'
    'spark'
    'jupyter|ijava|jjava'
    'ai\.djl'
    'dev\.langchain4j:'
    'org\.junit'
    'org\.apache\.opennlp:'
)
# of those, the ones kd4j itself depends on today: each must show in kd4j's own tree, and there only as optional (or
# test/provided), which checks the patterns against real coordinates as well as the pom
in_kd4j=('org\.knowm\.xchart:' 'info\.picocli:' 'org\.deeplearning4j:arbiter' 'com\.microsoft\.onnxruntime:' 'org\.nd4j:samediff-import' 'org\.apache\.opennlp:')

mkdir -p "$out"
cd "$root"

echo "== kd4j: install (tests skipped) and its own dependency tree"
mvn "${mvn_flags[@]}" -q install -DskipTests dependency:tree -DoutputFile="$out/kd4j-dependency-tree.txt"
for pattern in "${in_kd4j[@]}"; do
    grep -Eq "^[+\\\\]- .*($pattern)" "$out/kd4j-dependency-tree.txt" \
        || fail "no direct dependency of kd4j matches '$pattern' ($out/kd4j-dependency-tree.txt); update the lists in $0"
done
for pattern in "${forbidden[@]}"; do
    leaked=$(grep -E "^[+\\\\]- .*($pattern)" "$out/kd4j-dependency-tree.txt" | grep -Ev '\((optional)\)$|:(test|provided)( \(optional\))?$' || true)
    [ -z "$leaked" ] || fail "kd4j's pom (root pom.xml) declares it without <optional>true</optional>: $leaked"
done

echo "== a tiny run directory with kd4j's CLI"
rm -rf "$out/run" "$out/run-cache"
mvn "${mvn_flags[@]}" -q exec:java -Dexec.args="distill --config hparams/presets/sst2-demo.yaml --no-progress \
 --set data.train_limit=200 \
 --set 'teachers=[{name: tiny-cnn, model: {type: cnn, hidden: 16, ffn: 16}, train: {epochs: 1, learning_rate: 0.005}}]' \
 --set student.model.layers=1 --set student.model.hidden=16 --set student.model.heads=2 --set student.model.ffn=32 \
 --set student.train.epochs=1 --set run.dir=$out/run --set run.cache_dir=$out/run-cache" > "$out/distill.txt" 2>&1 \
    || { cat "$out/distill.txt"; fail "kd4j distill did not produce the run directory"; }
[ -f "$out/run/model.kdm" ] && [ -f "$out/run/labels.json" ] || fail "no model.kdm and labels.json in $out/run"
mvn "${mvn_flags[@]}" -q exec:java -Dexec.args="export --model $out/run --onnx $out/export/model.onnx" > "$out/export.txt" 2>&1 \
    || { cat "$out/export.txt"; fail "kd4j export did not write $out/export/model.onnx"; }

echo "== the consumer: build, class path, dependency tree"
cd "$consumer"
mvn "${mvn_flags[@]}" -q package dependency:build-classpath -Dmdep.outputFile="$out/classpath.txt" \
    dependency:tree -DoutputFile="$out/dependency-tree.txt"
for required in 'org\.kd4j:kd4j:jar' 'org\.nd4j:nd4j-api:jar' 'org\.nd4j:nd4j-native:jar'; do
    grep -Eq "$required" "$out/dependency-tree.txt" || fail "the consumer's dependency tree lacks $required ($out/dependency-tree.txt)"
done
for pattern in "${forbidden[@]}"; do
    if grep -Ei "$pattern" "$out/dependency-tree.txt"; then
        fail "the consumer's dependency tree ($out/dependency-tree.txt) holds the lines above, matching '$pattern'"
    fi
    if tr ':' '\n' < "$out/classpath.txt" | grep -Ei "$pattern"; then
        fail "the consumer's class path ($out/classpath.txt) holds the jars above, matching '$pattern'"
    fi
done
echo "dependency tree: $(grep -c -- '- ' "$out/dependency-tree.txt") artifacts, none forbidden"

classify() {
    "$java_cmd" -Xss2m -Xmx1g -cp "$out/classes:$(cat "$out/classpath.txt")" org.kd4j.examples.consumer.Classify "$@"
}

# one line per text: label, TAB, "0=p0 1=p1" with the probabilities summing to 1 and the label their argmax, TAB, text
check_lines() {
    local file=$1 expected=$2
    [ "$(wc -l < "$file")" -eq "$expected" ] || { cat "$file"; fail "$file: expected $expected lines"; }
    awk -F'\t' '
        NF != 3 { print FILENAME ":" NR ": expected 3 tab-separated fields, found " NF; bad = 1; next }
        {
            n = split($2, pairs, " ")
            if (n != 2) { print FILENAME ":" NR ": expected probabilities of labels 0 and 1, found \"" $2 "\""; bad = 1; next }
            sum = 0; best = ""; bestp = -1
            for (i = 1; i <= n; i++) {
                split(pairs[i], kv, "=")
                if (kv[1] != i - 1 || kv[2] !~ /^[01]\.[0-9][0-9][0-9][0-9]$/) { print FILENAME ":" NR ": bad probability \"" pairs[i] "\""; bad = 1; next }
                sum += kv[2]
                if (kv[2] + 0 > bestp) { bestp = kv[2] + 0; best = kv[1] }
            }
            if (sum < 0.9998 || sum > 1.0002) { print FILENAME ":" NR ": probabilities sum to " sum; bad = 1 }
            if ($1 != best) { print FILENAME ":" NR ": label " $1 " is not the most probable (" best ")"; bad = 1 }
        }
        END { exit bad }' "$file" || fail "$file: output not as documented in Classify"
}

echo "== the consumer: classify"
classify "$out/run" "a gorgeous, witty, seductive movie" "the plot is a dull, lifeless mess" > "$out/classify-args.txt"
cat "$out/classify-args.txt"
check_lines "$out/classify-args.txt" 2
printf '%s\n\n%s\n' "a gorgeous, witty, seductive movie" "the plot is a dull, lifeless mess" \
    | classify "$out/run" > "$out/classify-stdin.txt"
cmp -s "$out/classify-args.txt" "$out/classify-stdin.txt" \
    || { diff "$out/classify-args.txt" "$out/classify-stdin.txt" || true; fail "texts on standard input classified differently from the same texts as arguments"; }

classify "$out/export/model.onnx" "a gorgeous, witty, seductive movie" "the plot is a dull, lifeless mess" > "$out/classify-onnx.txt"
cmp -s "$out/classify-args.txt" "$out/classify-onnx.txt" \
    || { diff "$out/classify-args.txt" "$out/classify-onnx.txt" || true; fail "the exported model.onnx classifies differently from its run directory"; }

status=0
classify "$out/no-such-run" "text" > /dev/null 2> "$out/classify-missing.txt" || status=$?
[ "$status" -eq 1 ] || fail "a missing run directory: expected exit code 1, found $status"
grep -q "no-such-run: not found" "$out/classify-missing.txt" || { cat "$out/classify-missing.txt"; fail "a missing run directory: the error does not name it"; }

echo "consumer check passed in $((SECONDS - start)) s"
