#!/usr/bin/env python3
"""The bench's workloads in PyTorch, for scale: python3 bench/torch_bench.py [--threads N] [--json].

Runs only where this python3 has torch (`npm run bench` looks in build/torch-venv first: see the
README); otherwise it says so and exits 0. Prints milliseconds (median of 15 runs after 3 warm-ups)
for W1-W5 as in bench/run.ts, float32, on N threads (default 1); the epoch is estimated as 157 x W5.
Inputs are random, not the same numbers: only the timings are compared. --json prints one JSON object
({"torch": version, "threads": N, "ms": {workload: ms}}) for bench/run.ts instead of the table.
"""
import argparse
import json
import statistics
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    print("torch_bench: PyTorch is not installed for this python3 (import torch failed); nothing to measure")
    sys.exit(0)

arguments = argparse.ArgumentParser()
arguments.add_argument("--threads", type=int, default=1)
arguments.add_argument("--json", action="store_true")
options = arguments.parse_args()
torch.set_num_threads(options.threads)
torch.manual_seed(0)


def median_ms(run, warmup=3, runs=15):
    for _ in range(warmup):
        run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def nchw(shape):
    """A channels-last (m,H,W,C) shape as PyTorch's (m,C,H,W) random tensor."""
    m, h, w, c = shape
    return torch.randn(m, c, h, w)


def conv(x_shape, f, k, pad, pool=False):
    x = nchw(x_shape)
    weight = torch.randn(k, x_shape[3], f, f) * 0.1
    bias = torch.randn(k) * 0.1

    def run():
        with torch.no_grad():
            z = F.conv2d(x, weight, bias, padding=pad)
            if pool:
                F.max_pool2d(z, 2)

    return run


def lenet_step(batch=64):
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(6, 16, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
        torch.nn.Linear(400, 120), torch.nn.ReLU(), torch.nn.Linear(120, 84), torch.nn.ReLU(), torch.nn.Linear(84, 10),
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    x = torch.rand(batch, 1, 28, 28)
    y = torch.randint(0, 10, (batch,))

    def run():
        optimizer.zero_grad()
        F.cross_entropy(model(x), y).backward()
        optimizer.step()

    return run


workloads = [
    ("W1", "Sobel 3x3 on one 512x512 image", conv((1, 512, 512, 1), 3, 1, 1)),
    ("W2", "conv 8@5x5 on 64x32x32x3", conv((64, 32, 32, 3), 5, 8, 0)),
    ("W3", "conv 16@5x5 on 64x14x14x8", conv((64, 14, 14, 8), 5, 16, 0)),
    ("W4", "conv 6@5x5 same + max-pool 2 on 64x28x28x1", conv((64, 28, 28, 1), 5, 6, 2, pool=True)),
    ("W5", "LeNet-5 training step, batch 64", lenet_step()),
]
times = {name: median_ms(run) for name, _, run in workloads}
times["E"] = 157 * median_ms(lenet_step(), warmup=1, runs=5)
if options.json:
    print(json.dumps({"torch": torch.__version__, "threads": options.threads, "ms": times}))
    sys.exit(0)
print(f"torch {torch.__version__}, {options.threads} thread(s)")
for name, description, _ in workloads:
    print(f"{name:3} {description:45} {times[name]:8.2f} ms")
print(f"E   one epoch, 10,000 digits (157 x W5, estimated) {times['E'] / 1000:8.2f} s")
