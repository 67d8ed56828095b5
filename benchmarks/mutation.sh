#!/usr/bin/env bash
# Mutation testing of the NumPy core: each module against its own test file (not run in CI).
#   benchmarks/mutation.sh                  # optim functions im2col layers
#   benchmarks/mutation.sh optim im2col     # just these
# Each module is mutated in a throw-away copy of the repository, so mutmut's
# per-module [tool.mutmut] settings never touch the real pyproject.toml.
# One mutant at a time at the lowest priority: the course VM has 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-$ROOT/.venv/bin/python}
MUTMUT="$(dirname "$PY")/mutmut"
MODULES=("${@:-optim functions im2col layers}")
read -r -a MODULES <<< "${MODULES[*]}"
RESULTS=$ROOT/build/mutation
mkdir -p "$RESULTS"

for mod in "${MODULES[@]}"; do
    work=$(mktemp -d)
    mkdir -p "$work/tests"
    cp -r weekutils "$work/"
    cp conftest.py "$work/"
    cp "tests/test_$mod.py" "$work/tests/"
    cat > "$work/pyproject.toml" <<TOML
[tool.mutmut]
source_paths = ["weekutils/$mod.py"]
pytest_add_cli_args = ["-p", "no:randomly", "-p", "no:cacheprovider", "-q", "-x"]
pytest_add_cli_args_test_selection = ["tests/test_$mod.py"]
also_copy = ["conftest.py", "tests"]
TOML
    echo "== weekutils/$mod.py against tests/test_$mod.py"
    # PYTHONPATH: the copy's weekutils, not an editable install's.
    (cd "$work" && PYTHONPATH=$work nice -n 19 "$MUTMUT" run --max-children 1 > "$RESULTS/$mod.log" 2>&1) || true
    (cd "$work" && "$MUTMUT" results --all true > "$RESULTS/$mod.results" 2>&1) || true
    # Survivors with their diffs, for deciding which are equivalent.
    (cd "$work" && for m in $(grep -E ': (survived|no tests)' "$RESULTS/$mod.results" | cut -d: -f1); do
         "$MUTMUT" show "$m"; done > "$RESULTS/$mod.survivors" 2>&1) || true
    total=$(grep -cE '^ *weekutils' "$RESULTS/$mod.results" || true)
    killed=$(grep -cE ': killed' "$RESULTS/$mod.results" || true)
    echo "$mod: $killed killed of $total mutants (details: build/mutation/$mod.results, .survivors)"
    rm -rf "$work"
done
