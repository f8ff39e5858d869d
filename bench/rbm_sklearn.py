#!/usr/bin/env python3
"""scikit-learn's BernoulliRBM over one epoch of binarized MNIST: the reference that
bench/rbm-vs-sklearn.sh puts next to dgm4j's PCD-1 in the same run. Persistent CD-1 (sklearn's
only mode), 500 hidden units, batch 100, its default SGD learning rate 0.1. Each pixel is drawn
as Bernoulli(value / 255) once with a fixed seed. Times two fits of one epoch each (the second is the warm figure). Prints one JSON line.
Usage: rbm_sklearn.py MNIST_DIR"""
import json, os, struct, sys, time
import numpy as np
import sklearn
from sklearn.neural_network import BernoulliRBM

path = os.path.join(sys.argv[1], 'train-images-idx3-ubyte')
raw = open(path, 'rb').read()
n, h, w = struct.unpack('>III', raw[4:16])
x = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, h * w).astype(np.float64) / 255.0
x = (np.random.default_rng(1).random(x.shape) < x).astype(np.float64)
# twice, each a fresh model: the first fit also pays for starting OpenBLAS's threads and the
# caches, as dgm4j's first epoch pays for its JIT; the second is the warm figure
seconds = []
for attempt in range(2):
    rbm = BernoulliRBM(n_components=500, batch_size=100, n_iter=1, random_state=0)
    start = time.perf_counter()
    rbm.fit(x)
    seconds.append(time.perf_counter() - start)
print(json.dumps({'library': 'scikit-learn ' + sklearn.__version__ + ', numpy ' + np.__version__,
                  'examples': int(n), 'seconds': seconds[1],
                  'examples_per_second': n / seconds[1],
                  'first_fit_examples_per_second': n / seconds[0],
                  'threads': os.environ.get('OPENBLAS_NUM_THREADS', 'default')}))
