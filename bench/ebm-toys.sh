#!/bin/bash
# Every objective x every 2-D toy: 3 epochs (500 steps of 100), Adam lr 0.005, --threads 1.
# Runs from a frozen copy of the jars so rebuilding the worktree cannot disturb it.
# J: a copy of dgm4j-cli/target/launch/current/*.jar and dgm4j-cli/target/classpath.txt
J=${JARS:-/work/runs/ebm3/jars}
dgm() {
  OPT_OUT_TRACKING=true java -Xmx2g -Doffline=true -Dai.djl.offline=true \
    -cp "$J/dgm4j-cli-0.1.0-SNAPSHOT.jar:$J/dgm4j-core-0.1.0-SNAPSHOT.jar:$(cat $J/classpath.txt)" \
    io.dgm4j.cli.Dgm "$@" 2> >(grep -v -e AutoNonVariableTypeMode -e create_graph >&2)
}
OUT=${OUT:-/work/runs/ebm3/bench}
for toy in eight-gaussians two-moons rings checkerboard spiral; do
  for o in dsm ssm esm nce fce adversarial cd pcd; do
    d=$OUT/$toy/$o
    [ -f $d/eval.json ] && continue
    rm -rf $d; mkdir -p $OUT/$toy
    s=$(date +%s.%N)
    dgm train --model ebm --objective $o --data toy:$toy --epochs 3 --lr 0.005 --out $d --threads 1 --quiet > $d.log 2>&1
    e=$(date +%s.%N)
    echo "{\"train_seconds\": $(echo "$e - $s" | bc)}" > $d.time.json
    dgm eval --run $d --json --threads 1 > $d/eval.json 2>> $d.log || echo '{}' > $d/eval.json
  done
  d=$OUT/$toy/maf
  if [ ! -f $d/eval.json ]; then
    rm -rf $d; s=$(date +%s.%N)
    dgm train --model maf --data toy:$toy --epochs 3 --lr 0.005 --out $d --threads 1 --quiet > $d.log 2>&1
    e=$(date +%s.%N); echo "{\"train_seconds\": $(echo "$e - $s" | bc)}" > $d.time.json
    dgm eval --run $d --json --threads 1 > $d/eval.json 2>> $d.log || echo '{}' > $d/eval.json
  fi
done
echo done > $OUT/toys.done
