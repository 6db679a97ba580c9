"""Unit 04 — Information asymmetries: when agents know things others do not.

Lesson ``lessons/04_information_asymmetries.ipynb``; lab
``labs/04_information_asymmetries_lab.ipynb`` (checks in :mod:`mesa_models.information.lab`).

Models:

* :mod:`mesa_models.information.lemons` — :class:`LemonsMarket`: Akerlof's (1970) market for lemons unravels; a certifier or a warranty restores trade.
* :mod:`mesa_models.information.lemons_fast` — :func:`simulate_lemons`: the same market in NumPy, run for run identical, for sweeps.
* :mod:`mesa_models.information.bargaining` — :class:`DoubleAuction`: buyers and sellers with private values shade their offers (Chatterjee & Samuelson 1983; Myerson & Satterthwaite 1983).
* :mod:`mesa_models.information.bargaining_fast` — :func:`simulate_auction`: the same double auction in NumPy, round for round identical.
* :mod:`mesa_models.information.signalling` — :class:`SignallingGame`: a biased sender and a receiver learn to communicate by reinforcement (Lewis; Crawford & Sobel 1982; Skyrms 2010).
* :mod:`mesa_models.information.signalling_fast` — :func:`simulate_signalling`: many pairs and biases in one NumPy batch, weight for weight identical.
* :mod:`mesa_models.information.covert_channel` — :class:`CovertChannel`: colluders hide a secret from an overseer (Motwani et al. 2024).
"""

from mesa_models.information.bargaining import (
    CS_EFFICIENCY,
    CS_GAINS,
    CS_TRADE_GAP,
    CS_TRADE_PROBABILITY,
    FIRST_BEST_GAINS,
    FIRST_BEST_TRADE_PROBABILITY,
    DoubleAuction,
    Trader,
    auction_outcome,
    cs_ask,
    cs_bid,
    efficiency_standard_error,
    plot_shading,
)
from mesa_models.information.bargaining_fast import AuctionRuns, greedy_efficiency, simulate_auction
from mesa_models.information.covert_channel import CODES, CovertChannel, Overseer
from mesa_models.information.lemons import (
    LEMONS_PARAMS,
    QUALITY_MAX,
    Buyers,
    Certifier,
    LemonsMarket,
    Seller,
    akerlof_price_path,
    pay_expected_value,
    plot_certifier_sweep,
    plot_unravelling,
    sell_if_worth_it,
)
from mesa_models.information.lemons_fast import LemonsRuns, simulate_lemons, sweep_lemons
from mesa_models.information.signalling import (
    SignallingGame,
    crawford_sobel_information,
    crawford_sobel_max_messages,
    crawford_sobel_partition,
    mutual_information,
    plot_information_vs_bias,
    quadratic_payoff,
    strategy_information,
)
from mesa_models.information.signalling_fast import SignallingRuns, simulate_signalling

__all__ = [
    "CS_EFFICIENCY",
    "CS_GAINS",
    "CS_TRADE_GAP",
    "CS_TRADE_PROBABILITY",
    "FIRST_BEST_GAINS",
    "FIRST_BEST_TRADE_PROBABILITY",
    "DoubleAuction",
    "Trader",
    "auction_outcome",
    "cs_ask",
    "cs_bid",
    "efficiency_standard_error",
    "plot_shading",
    "AuctionRuns",
    "greedy_efficiency",
    "simulate_auction",
    "CODES",
    "CovertChannel",
    "Overseer",
    "LEMONS_PARAMS",
    "QUALITY_MAX",
    "Buyers",
    "Certifier",
    "LemonsMarket",
    "Seller",
    "akerlof_price_path",
    "pay_expected_value",
    "plot_certifier_sweep",
    "plot_unravelling",
    "sell_if_worth_it",
    "LemonsRuns",
    "simulate_lemons",
    "sweep_lemons",
    "SignallingGame",
    "crawford_sobel_information",
    "crawford_sobel_max_messages",
    "crawford_sobel_partition",
    "mutual_information",
    "plot_information_vs_bias",
    "quadratic_payoff",
    "strategy_information",
    "SignallingRuns",
    "simulate_signalling",
]
