#!/usr/bin/env bash
# Downloads the full GLUE and SuperGLUE data from their official locations into the layout kd4j reads:
#   <dest>/glue/<TASK>/{train,dev,test}.tsv      (MNLI: dev_matched, dev_mismatched, test_matched, test_mismatched)
#   <dest>/superglue/<TASK>/{train,val,test}.jsonl
# Usage: datasets/fetch-glue.sh [--dest DIR] [TASK ...]     (default: every task, dest = datasets)
# Needs curl, unzip and awk. Each task is unpacked in a temporary folder and moved into place only when complete,
# so an interrupted download never leaves a half task behind. Check the result with:
#   mvn -q exec:java -Dexec.args="data stats --task all --data-dir DIR"
# Licences differ per task (MRPC: non-commercial only); see datasets/README.md.
set -euo pipefail

dest=datasets
tasks=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dest) dest="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) tasks+=("$1"); shift ;;
  esac
done
[ ${#tasks[@]} -gt 0 ] || tasks=(CoLA SST-2 MRPC STS-B QQP MNLI QNLI RTE WNLI BoolQ CB SuperGLUE-RTE WiC)

GLUE=https://dl.fbaipublicfiles.com/glue/data
SUPERGLUE=https://dl.fbaipublicfiles.com/glue/superglue/data/v2
MRPC_TRAIN=https://dl.fbaipublicfiles.com/senteval/senteval_data/msr_paraphrase_train.txt
MRPC_TEST=https://dl.fbaipublicfiles.com/senteval/senteval_data/msr_paraphrase_test.txt
MRPC_DEV_IDS='https://firebasestorage.googleapis.com/v0/b/mtl-sentence-representations.appspot.com/o/data%2Fmrpc_dev_ids.tsv?alt=media&token=ec5c0836-31d5-48f4-b431-7480817f1adc'

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

get() { # url file
  echo "  downloading $1" >&2
  curl -fL --retry 3 -o "$2" "$1"
}

install_dir() { # unpacked-dir target-dir
  mkdir -p "$(dirname "$2")"
  rm -rf "$2.partial"
  mv "$1" "$2.partial"
  rm -rf "$2"
  mv "$2.partial" "$2"
  echo "  -> $2" >&2
}

zip_task() { # url zip-folder-name target
  get "$1" "$work/t.zip"
  rm -rf "$work/x" && mkdir -p "$work/x"
  unzip -q "$work/t.zip" -d "$work/x"
  install_dir "$work/x/$2" "$3"
}

mrpc() { # GLUE's own split of the MSR corpus: dev = the pairs listed in mrpc_dev_ids.tsv
  local out="$work/MRPC"
  mkdir -p "$out"
  get "$MRPC_TRAIN" "$work/msr_train.txt"
  get "$MRPC_TEST" "$work/msr_test.txt"
  get "$MRPC_DEV_IDS" "$work/dev_ids.tsv"
  awk -F'\t' -v OFS='\t' -v train="$out/train.tsv" -v dev="$out/dev.tsv" '
    FNR == NR { gsub(/\r/, ""); dev_ids[$1 FS $2] = 1; next }
    FNR == 1  { print > train; print > dev; next }
    { gsub(/^[ \t\r]+|[ \t\r]+$/, ""); split($0, f, "\t")
      line = f[1] OFS f[2] OFS f[3] OFS f[4] OFS f[5]
      if ((f[2] FS f[3]) in dev_ids) print line > dev; else print line > train }
  ' "$work/dev_ids.tsv" "$work/msr_train.txt"
  awk -F'\t' -v OFS='\t' '
    FNR == 1 { print "index", "#1 ID", "#2 ID", "#1 String", "#2 String"; next }
    { gsub(/^[ \t\r]+|[ \t\r]+$/, ""); split($0, f, "\t"); print FNR - 2, f[2], f[3], f[4], f[5] }
  ' "$work/msr_test.txt" > "$out/test.tsv"
  install_dir "$out" "$dest/glue/MRPC"
}

for task in "${tasks[@]}"; do
  echo "$task" >&2
  case "$task" in
    CoLA|SST-2|STS-B|MNLI|RTE|WNLI) zip_task "$GLUE/$task.zip" "$task" "$dest/glue/$task" ;;
    QQP)  zip_task "$GLUE/QQP-clean.zip" QQP "$dest/glue/QQP" ;;
    QNLI) zip_task "$GLUE/QNLIv2.zip" QNLI "$dest/glue/QNLI" ;;
    MRPC) mrpc ;;
    BoolQ|CB|WiC) zip_task "$SUPERGLUE/$task.zip" "$task" "$dest/superglue/$task" ;;
    SuperGLUE-RTE) zip_task "$SUPERGLUE/RTE.zip" RTE "$dest/superglue/RTE" ;;
    *) echo "error: unknown task '$task'; expected one of CoLA SST-2 MRPC STS-B QQP MNLI QNLI RTE WNLI BoolQ CB SuperGLUE-RTE WiC" >&2; exit 2 ;;
  esac
done
echo "done; check the row counts with: mvn -q exec:java -Dexec.args=\"data stats --task all --data-dir $dest\"" >&2
