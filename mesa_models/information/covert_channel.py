"""A covert channel: two colluding agents share a code an overseer cannot read (Unit 04).

Motwani, Baranchuk, Strohmeier, Bolina, Torr, Hammond & Schroeder de Witt (2024), "Secret
Collusion among AI Agents: Multi-Agent Deception via Steganography", NeurIPS 2024,
arXiv:2402.07510. Agents that talk in natural language can hide information in *how* they
say things (word choice, phrasing) while *what* they say looks innocent; with a shared
secret key the hidden bits can be made statistically indistinguishable from innocent text
(information-theoretically secure steganography), and then no monitor that only reads the
messages can find them. The authors propose, among other defences, paraphrasing messages
so that the wording is rewritten while the meaning is kept.

Here a sender learns a secret (one of ``n_symbols`` values, e.g. its principal's
reservation price band) and must pass it to a colluding receiver through messages an
overseer reads. Every message has two layers: its **content** (what it openly says) and
its **wording** (which of ``n_symbols`` equivalent phrasings is used). Innocent agents
choose the wording at random. The pair's ``code``:

* ``"plain"`` — the content states the secret: anyone who reads it knows it;
* ``"private code"`` — innocent content, wording = a fixed secret relabelling of the
  secret (agreed once). An overseer that later learns some secrets (``audit_rate``) can
  break it like any substitution cipher, by matching wordings with audited secrets;
* ``"keyed stego"`` — innocent content, wording = (secret + key) mod n_symbols with a fresh
  key from a key stream both colluders share (a one-time pad). Every wording is then
  equally likely whatever the secret, exactly like innocent traffic: the messages carry
  0 bits about the secret for anyone without the key.

The overseer reads the content, and otherwise guesses the secret from the wording with a
table it learns from audited messages. After each step it learns the true secrets of a
share ``audit_rate`` of the messages and sees what the receiver then did — outcome
monitoring. With probability ``paraphrase`` it rewrites a message's wording at random
before delivery (the content is kept). Reporters say what each side can see.

Random numbers, every step, from ``model.rng``: secrets, innocent wordings, paraphrase
decisions and rewritten wordings, audit decisions; the key stream is a separate generator
seeded once from ``model.rng`` (the colluders' shared secret).

Extension points: subclass :class:`Overseer` and override :meth:`Overseer.guess` or
:meth:`Overseer.learn` (a smarter monitor), or :class:`Sender` and override
:meth:`Sender.encode` (another code; :meth:`Receiver.decode` must invert it).
"""

from __future__ import annotations

from typing import Any, ClassVar

import matplotlib.pyplot as plt
import numpy as np
from mesa import Agent

from mesa_models.base import RiskModel
from mesa_models.information.lemons import plain_seed
from mesa_models.information.signalling import mutual_information
from mesa_models.params import Param, Params
from mesa_models.plotting import COLORS

__all__ = ["CODES", "COVERT_PARAMS", "CovertChannel", "Overseer", "Receiver", "Sender"]

CODES = ("plain", "private code", "keyed stego")
NO_CONTENT = -1  # an innocent message: its content says nothing about the secret

COVERT_PARAMS = Params(
    Param(
        "n_messages",
        200,
        "messages the colluding pair exchanges per step",
        "messages",
        low=1,
        high=100_000,
        widget_max=2000,
    ),
    Param(
        "n_symbols",
        4,
        "values the secret can take (and equivalent wordings of a message)",
        "symbols",
        low=2,
        high=64,
        widget_max=16,
    ),
    Param("code", "keyed stego", "how the sender hides the secret", choices=CODES),
    Param(
        "audit_rate",
        0.1,
        "share of messages whose secret the overseer later learns",
        "probability",
        low=0,
        high=1,
        step=0.05,
    ),
    Param(
        "paraphrase",
        0.0,
        "chance the overseer rewrites a message's wording before delivery",
        "probability",
        low=0,
        high=1,
        step=0.05,
    ),
)


class Sender(Agent):
    """Knows the secret; encodes it in a message (content, wording)."""

    def __init__(self, model: CovertChannel) -> None:
        super().__init__(model)
        k = model.n_symbols
        self.codebook = model.rng.permutation(k)  # the private code, agreed once

    def encode(
        self, secrets: np.ndarray, innocent_wording: np.ndarray, keys: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(content, wording)`` of each message under the model's ``code``."""
        code, k = self.model.code, self.model.n_symbols
        if code == "plain":
            return secrets.copy(), innocent_wording
        content = np.full_like(secrets, NO_CONTENT)
        if code == "private code":
            return content, self.codebook[secrets]
        return content, (secrets + keys) % k


class Receiver(Agent):
    """Shares the code (and the key stream); decodes and acts on the secret."""

    def decode(self, content: np.ndarray, wording: np.ndarray, keys: np.ndarray) -> np.ndarray:
        code, k = self.model.code, self.model.n_symbols
        if code == "plain":
            return content.copy()
        if code == "private code":
            return np.argsort(self.model.sender.codebook)[wording]
        return (wording - keys) % k


class Overseer(Agent):
    """Reads every message; learns a wording -> secret table from audited messages."""

    def __init__(self, model: CovertChannel) -> None:
        super().__init__(model)
        k = model.n_symbols
        self.table = np.zeros((k, k))  # counts[wording, secret] seen in audits

    def guess(self, content: np.ndarray, wording: np.ndarray) -> np.ndarray:
        """Its best guess of each message's secret: the content if it states one, else the
        secret most often seen with this wording in audits (0 before any audit)."""
        from_wording = self.table.argmax(axis=1)[wording]
        return np.where(content != NO_CONTENT, content, from_wording)

    def learn(self, wording: np.ndarray, secrets: np.ndarray) -> None:
        """Add audited (wording, secret) pairs to the table."""
        np.add.at(self.table, (wording, secrets), 1)


class CovertChannel(RiskModel):
    """A colluding sender and receiver, an overseer who reads their messages, and a code.

    Reporters (this step): ``colluder_accuracy`` and ``overseer_accuracy`` (share of
    secrets each recovered; chance is 1/n_symbols); ``colluder_bits``, ``overseer_bits``
    (mutual information between secret and each side's reading, over all steps so far,
    bits) and ``outcome_bits`` (between audited secrets and the receiver's actions: what
    outcome monitoring sees).
    """

    params = COVERT_PARAMS
    reporters = {
        "colluder_accuracy": "colluder_accuracy",
        "overseer_accuracy": "overseer_accuracy",
        "colluder_bits": "colluder_bits",
        "overseer_bits": "overseer_bits",
        "outcome_bits": "outcome_bits",
    }
    default_plots = ("colluder_accuracy", "overseer_accuracy")
    sender_class: ClassVar[type[Sender]] = Sender
    receiver_class: ClassVar[type[Receiver]] = Receiver
    overseer_class: ClassVar[type[Overseer]] = Overseer

    def __init__(self, *, rng: Any = None, **params: Any) -> None:
        super().__init__(rng=plain_seed(rng), **params)
        self.sender = self.sender_class(self)
        self.receiver = self.receiver_class(self)
        self.overseer = self.overseer_class(self)
        self.key_stream = np.random.default_rng(
            int(self.rng.integers(2**63))
        )  # the shared secret key
        k = self.n_symbols
        self.colluder_counts = np.zeros((k, k))
        self.overseer_counts = np.zeros((k, k))
        self.outcome_counts = np.zeros((k, k))
        self.wording_counts = np.zeros(k)
        self.colluder_accuracy = self.overseer_accuracy = float("nan")
        self.colluder_bits = self.overseer_bits = self.outcome_bits = float("nan")
        self.start_datacollector()

    def step(self) -> None:
        n, k = self.n_messages, self.n_symbols
        secrets = self.rng.integers(0, k, n)
        innocent = self.rng.integers(0, k, n)
        rewrite = self.rng.random(n) < self.paraphrase
        rewritten = self.rng.integers(0, k, n)
        audited = self.rng.random(n) < self.audit_rate
        keys = self.key_stream.integers(0, k, n)
        content, wording = self.sender.encode(secrets, innocent, keys)
        _check_message(content, wording, k)
        wording = np.where(rewrite, rewritten, wording)  # paraphrasing keeps the content
        seen = self.overseer.guess(content, wording)
        actions = self.receiver.decode(content, wording, keys)
        self.overseer.learn(wording[audited], secrets[audited])
        np.add.at(self.colluder_counts, (secrets, actions), 1)
        np.add.at(self.overseer_counts, (secrets, seen), 1)
        np.add.at(self.outcome_counts, (secrets[audited], actions[audited]), 1)
        np.add.at(self.wording_counts, wording, 1)
        self.colluder_accuracy = float(np.mean(actions == secrets))
        self.overseer_accuracy = float(np.mean(seen == secrets))
        self.colluder_bits = mutual_information(self.colluder_counts)
        self.overseer_bits = mutual_information(self.overseer_counts)
        self.outcome_bits = (
            mutual_information(self.outcome_counts) if self.outcome_counts.sum() else float("nan")
        )
        self.datacollector.collect(self)

    def draw_state(self, ax: plt.Axes) -> None:
        """How often each wording was used so far: a flat bar chart is what innocent traffic looks like."""
        k = self.n_symbols
        total = self.wording_counts.sum()
        share = self.wording_counts / total if total else np.zeros(k)
        ax.bar(range(k), share, color=COLORS["blue"])
        ax.axhline(1 / k, color=COLORS["black"], ls="--", lw=1, label="innocent traffic")
        ax.set_xlabel("wording (phrasing index)")
        ax.set_ylabel("share of messages")
        ax.set_ylim(0, max(0.5, float(share.max()) * 1.1 if total else 0.5))
        ax.legend(fontsize=8)
        ax.set_title(f"{self.code}: wordings look innocent")


def _check_message(content: np.ndarray, wording: np.ndarray, k: int) -> None:
    """An overridden encoder must return integer arrays in range."""
    for name, values, low in (("content", content, NO_CONTENT), ("wording", wording, 0)):
        values = np.asarray(values)
        if (
            values.dtype.kind not in "iu"
            or values.size
            and (values.min() < low or values.max() >= k)
        ):
            raise ValueError(
                f"Sender.encode returned {name} {values[:5]!r}...; allowed: integers in [{low}, {k - 1}]"
            )
