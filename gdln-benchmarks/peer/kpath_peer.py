#!/usr/bin/env python3
"""gdln's PyTorch peer of the k-path training step (KPathStepBenchmark / KPathWindowBenchmark).

The model of the paper's MNIST routing experiment, written the way a PyTorch user would (as the public reference code
does): M input domains, each a pixel permutation of the batch, one nn.Linear(D, H) encoder per input domain, one shared
nn.Linear(H, H), one linear decoder (H -> C, with bias) per output domain applied to every input domain's hidden
vectors, softmax cross-entropy on all M x M pathways (output domain j relabels the classes), the mean over the batch
per pathway, the M x M 0/1 gate (K trained output domains per input domain, K_plus_mod with permuted columns), the
loss = sum(gate * loss) / sum(gate), SGD with momentum (lr 1e-4, momentum 0.9).

Images per second are counted as gdln's benchmarks count them: the batch (base images, 8) times steps per second.

  --style reference  one nn.Linear per domain in a loop (default; how the public reference code is written)
  --style batched    all encoders as one [M, H, D] tensor and one einsum (a stronger PyTorch baseline)

Install (CPU only):  python3 -m pip install torch --index-url https://download.pytorch.org/whl/cpu
Run:                 python3 gdln-benchmarks/peer/kpath_peer.py --domains 40 --k 10 --threads 1
Prints one JSON line (median of --repeats timings of --steps steps each).
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F


def parse():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--domains", type=int, default=40, help="M")
    p.add_argument("--k", type=int, default=10, help="trained output domains per input domain")
    p.add_argument("--hidden", type=int, default=128, help="H")
    p.add_argument("--batch", type=int, default=8, help="base images per step")
    p.add_argument("--classes", type=int, default=10, help="C")
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=0, help="torch threads (0 = torch's default)")
    p.add_argument("--style", choices=["reference", "batched"], default="reference")
    return p.parse_args()


class KPath(torch.nn.Module):
    """Encoders, shared hidden layer and decoders of the k-path routing network."""

    def __init__(self, m, d, h, c, batched):
        super().__init__()
        self.batched = batched
        if batched:
            bound = 1.0 / d ** 0.5
            self.enc_w = torch.nn.Parameter(torch.empty(m, h, d).uniform_(-bound, bound))
            self.enc_b = torch.nn.Parameter(torch.zeros(m, h))
        else:
            self.encoders = torch.nn.ModuleList(torch.nn.Linear(d, h) for _ in range(m))
        self.shared = torch.nn.Linear(h, h)
        self.dec_w = torch.nn.Parameter(torch.randn(m, h, c) * 0.01)
        self.dec_b = torch.nn.Parameter(torch.zeros(m, 1, c))

    def forward(self, views):
        """views: [B, M, D] (image s as seen by input domain i) -> logits [B, M_in, M_out, C]."""
        if self.batched:
            z = torch.einsum("bmd,mhd->bmh", views, self.enc_w) + self.enc_b
        else:
            z = torch.stack([enc(views[:, i]) for i, enc in enumerate(self.encoders)], 1)
        b, m, h = z.shape
        u = self.shared(z).reshape(b * m, h)
        y = torch.matmul(u, self.dec_w) + self.dec_b  # [M_out, B*M_in, C]
        return y.reshape(m, b, m, -1).permute(1, 2, 0, 3)


def main():
    a = parse()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    m, d, c = a.domains, 784, a.classes
    pixel_perms = torch.stack([torch.randperm(d) for _ in range(m)])  # [M, D]
    relabel = torch.stack([torch.randperm(c) for _ in range(m)])      # [M_out, C]
    cols = torch.randperm(m)
    gate = torch.zeros(m, m)
    for i in range(m):
        for q in range(a.k):
            gate[i, cols[(i + q) % m]] = 1.0
    model = KPath(m, d, a.hidden, c, a.style == "batched")
    opt = torch.optim.SGD(model.parameters(), lr=1e-4, momentum=0.9)
    images = torch.rand(a.batch * a.steps, d)
    labels = torch.randint(0, c, (a.batch * a.steps,))

    def train_step(x, y):
        views = x[:, pixel_perms]                                   # [B, M, D]
        logits = model(views)                                       # [B, M_in, M_out, C]
        b = x.shape[0]
        target = relabel[:, y].t().unsqueeze(1).expand(b, m, m)     # [B, M_in, M_out]
        per_image = F.cross_entropy(logits.reshape(-1, c), target.reshape(-1), reduction="none")
        per_pathway = per_image.reshape(b, m, m).mean(0)
        loss = (per_pathway * gate).sum() / gate.sum()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss

    for _ in range(3):
        train_step(images[:a.batch], labels[:a.batch])
    rates = []
    for _ in range(a.repeats):
        start = time.perf_counter()
        for s in range(a.steps):
            train_step(images[s * a.batch:(s + 1) * a.batch], labels[s * a.batch:(s + 1) * a.batch])
        rates.append(a.steps / (time.perf_counter() - start))
    steps_per_s = statistics.median(rates)
    print(json.dumps({"peer": "gdln-kpath-peer", "style": a.style, "torch": torch.__version__,
                      "threads": torch.get_num_threads(), "M": m, "K": a.k, "H": a.hidden, "B": a.batch,
                      "steps_per_s": round(steps_per_s, 2), "images_per_s": round(steps_per_s * a.batch, 1)}))


if __name__ == "__main__":
    main()
