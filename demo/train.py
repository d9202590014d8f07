"""A small but real training: a two-layer MLP (2-64-1) learning two interleaved spirals, in plain numpy.

It prints progress the way Keras does (``Epoch 3/20``, then ``\\r``-redrawn bars ending in
`` - loss: 0.4181 - accuracy: 0.8779``) and appends one row per epoch to ``metrics.csv`` (like
Keras' ``CSVLogger``, plus the global ``step`` as Lightning's ``CSVLogger`` has it) in ``$TRAINING_MONITOR_RUN_DIR`` or the current folder. Ctrl-C (SIGINT)
saves a checkpoint and exits with code 130, as a well-behaved training does.

    python3 train.py [--epochs 20] [--batches 32] [--delay 0.03] [--seed 0]
"""
import argparse
import os
import sys
import time

import numpy as np


def spirals(n, rng):
    t = np.sqrt(rng.random(n)) * 3 * np.pi
    label = rng.integers(0, 2, n)
    r = t / (3 * np.pi)
    angle = t + label * np.pi
    x = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1) + rng.normal(0, 0.04, (n, 2))
    return x.astype(np.float64), label.astype(np.float64)


class MLP:
    def __init__(self, rng, hidden=64):
        self.w1 = rng.normal(0, 3.0, (2, hidden))  # wide first layer: spirals need high-frequency features
        self.b1 = np.zeros(hidden)
        self.w2 = rng.normal(0, 1.0 / np.sqrt(hidden), (hidden, 1))
        self.b2 = np.zeros(1)

    def forward(self, x):
        self.x = x
        self.h = np.tanh(x @ self.w1 + self.b1)
        return 1 / (1 + np.exp(-(self.h @ self.w2 + self.b2)[:, 0]))

    def step(self, p, y, lr):
        g = (p - y)[:, None] / len(y)
        gh = (g @ self.w2.T) * (1 - self.h ** 2)
        self.w2 -= lr * self.h.T @ g
        self.b2 -= lr * g.sum(0)
        self.w1 -= lr * self.x.T @ gh
        self.b1 -= lr * gh.sum(0)


def bce(p, y):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def bar(done, total, width=20):
    filled = int(width * done / total)
    return "\u2501" * filled + " " * (width - filled)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--batches", type=int, default=32)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--delay", type=float, default=0.03, help="seconds of sleep per batch, to watch it live")
    ap.add_argument("--lr", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    rng = np.random.default_rng(args.seed)
    x_train, y_train = spirals(args.batches * args.batch_size, rng)
    x_val, y_val = spirals(512, rng)
    model = MLP(rng)
    out_dir = os.environ.get("TRAINING_MONITOR_RUN_DIR", ".")
    csv_path = os.path.join(out_dir, "metrics.csv")
    print(f"Training a 2-64-1 MLP on {len(x_train)} points; metrics in {csv_path}")

    with open(csv_path, "w") as csv:
        csv.write("epoch,step,accuracy,loss,val_accuracy,val_loss\n")
        csv.flush()
        try:
            for epoch in range(args.epochs):
                print(f"Epoch {epoch + 1}/{args.epochs}")
                order = rng.permutation(len(x_train))
                losses, hits, seen = 0.0, 0.0, 0
                start = time.time()
                for b in range(args.batches):
                    idx = order[b * args.batch_size:(b + 1) * args.batch_size]
                    p = model.forward(x_train[idx])
                    losses += bce(p, y_train[idx]) * len(idx)
                    hits += float(np.sum((p > 0.5) == y_train[idx]))
                    seen += len(idx)
                    model.step(p, y_train[idx], args.lr)
                    time.sleep(args.delay)
                    ms = (time.time() - start) * 1000 / (b + 1)
                    line = (f"{b + 1:>{len(str(args.batches))}}/{args.batches} {bar(b + 1, args.batches)} "
                            f"{int(time.time() - start)}s {ms:.0f}ms/step - accuracy: {hits / seen:.4f} - loss: {losses / seen:.4f}")
                    sys.stdout.write("\r" + line)
                    sys.stdout.flush()
                pv = model.forward(x_val)
                val_loss, val_acc = bce(pv, y_val), float(np.mean((pv > 0.5) == y_val))
                sys.stdout.write(f" - val_accuracy: {val_acc:.4f} - val_loss: {val_loss:.4f}\n")
                csv.write(f"{epoch},{(epoch + 1) * args.batches},{hits / seen:.6f},{losses / seen:.6f},{val_acc:.6f},{val_loss:.6f}\n")
                csv.flush()
        except KeyboardInterrupt:
            path = os.path.join(out_dir, "checkpoint.npz")
            np.savez(path, w1=model.w1, b1=model.b1, w2=model.w2, b2=model.b2)
            print(f"\nInterrupted: saved checkpoint to {path}")
            sys.exit(130)
    print("Training finished.")


if __name__ == "__main__":
    main()
