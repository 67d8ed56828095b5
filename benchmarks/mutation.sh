#!/usr/bin/env bash
# Mutation testing of the NumPy core: each module against its own test file (not run in CI).
#   benchmarks/mutation.sh                  # optim functions im2col layers
#   benchmarks/mutation.sh optim im2col     # just these
# Each module is mutated in a throw-away copy of the repository, so mutmut's per-module
# [tool.mutmut] settings never touch the real pyproject.toml. One mutant at a time at the
# lowest priority (the course VM has 2 cores). Results: build/mutation/<module>.{results,survivors}.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${PYTHON:-$ROOT/.venv/bin/python}
MUTMUT="$(dirname "$PY")/mutmut"
read -r -a MODULES <<< "${*:-optim functions im2col layers}"
RESULTS=$ROOT/build/mutation
mkdir -p "$RESULTS"
# mutmut forks one child per mutant; a fork of a process whose OpenMP/BLAS thread pools are running
# can hang forever (seen here with torch imported). One thread each means no pools to inherit.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

for mod in "${MODULES[@]}"; do
    work=$(mktemp -d)
    mkdir -p "$work/tests"
    cp -r weekutils conftest.py "$work/"
    cp "tests/test_$mod.py" "$work/tests/"
    # Generous timeouts: on a shared 2-core machine a slow test is not a killed mutant.
    cat > "$work/pyproject.toml" <<TOML
[tool.mutmut]
source_paths = ["weekutils/$mod.py"]
pytest_add_cli_args = ["-p", "no:randomly", "-p", "no:cacheprovider", "-q", "-x"]
pytest_add_cli_args_test_selection = ["tests/test_$mod.py"]
also_copy = ["conftest.py", "tests"]
timeout_multiplier = 20.0
timeout_constant = 10.0
TOML
    echo "== weekutils/$mod.py against tests/test_$mod.py"
    # PYTHONPATH: the copy's weekutils, not an editable install's.
    (cd "$work" && PYTHONPATH=$work nice -n 19 "$MUTMUT" run --max-children 1 > "$RESULTS/$mod.log" 2>&1) || true
    # A timeout under load is not proof of a kill: run those mutants once more, alone.
    timeouts=$(cd "$work" && "$MUTMUT" results 2>/dev/null | grep -E ': timeout' | cut -d: -f1 | tr -d ' ' || true)
    if [ -n "$timeouts" ]; then
        # shellcheck disable=SC2086
        (cd "$work" && PYTHONPATH=$work nice -n 19 "$MUTMUT" run --max-children 1 $timeouts >> "$RESULTS/$mod.log" 2>&1) || true
    fi
    (cd "$work" && "$MUTMUT" results --all true > "$RESULTS/$mod.results" 2>&1) || true
    # Survivors with their diffs, for deciding which are equivalent.
    (cd "$work" && for m in $(grep -E ': (survived|no tests|timeout)' "$RESULTS/$mod.results" | cut -d: -f1); do
         "$MUTMUT" show "$m"; done > "$RESULTS/$mod.survivors" 2>&1) || true
    total=$(grep -cE '^ *weekutils' "$RESULTS/$mod.results" || true)
    for status in killed survived timeout "no tests" suspicious skipped; do
        printf '%s %s: %s\n' "$mod" "$status" "$(grep -cE ": $status\$" "$RESULTS/$mod.results" || true)"
    done
    echo "$mod: $total mutants (details: build/mutation/$mod.results, $mod.survivors)"
    rm -rf "$work"
done
