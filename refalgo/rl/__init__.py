"""Value-function approximation and temporal-difference learning (价值函数方法).

Modules: :mod:`~refalgo.rl.stationary` (the stationary distribution of a policy's chain),
:mod:`~refalgo.rl.objectives` (the value error and its minimiser, the projection),
:mod:`~refalgo.rl.projected_bellman` (the projected Bellman equation and the TD fixed point),
:mod:`~refalgo.rl.features` (one-hot, aggregation, polynomial, Fourier, tile coding),
:mod:`~refalgo.rl.sampling` (seeded transitions and trajectories from an MDP) and
:mod:`~refalgo.rl.td` (semi-gradient TD(λ), gradient Monte Carlo) ,
:mod:`~refalgo.rl.control` (Sarsa and Q-learning with linear features) and
:mod:`~refalgo.rl.counterexamples` (Baird's star), :mod:`~refalgo.rl.td_lambda` (the TD(λ) fixed
point), :mod:`~refalgo.rl.batch` (batch TD and MC, certainty equivalence) and
:mod:`~refalgo.rl.examples` (Sutton & Barto's random walks). The public names are
re-exported here. The chain classification, exact solves and the compiled learner loop
live in the private package ``refalgo.rl._engine``, which only these modules import.
"""

from .control import ControlRun, linear_q_learning, linear_sarsa
from .counterexamples import BairdExample, baird_counterexample
from .dqn import DQNBatch, DQNHistory, DQNRun, DQNUpdate, dqn_update, q_network, train_dqn
from .gym_sampling import gym_transitions, q_learning_on_transitions
from .features import (
    fourier_features,
    grid_coordinates,
    one_hot_features,
    polynomial_features,
    state_action_features,
    state_aggregation_features,
    tile_coding_features,
)
from .objectives import (
    resolve_weights,
    value_error,
    value_error_minimizer,
    value_error_minimizer_symbolic,
    value_error_symbolic,
    weighted_norm,
)
from .sampling import Transitions, discounted_returns_by_episode, sample_trajectory, sample_transitions
from .batch import BatchRun, batch_mc_values, batch_mc_values_symbolic, batch_td_values, batch_td_values_symbolic
from .examples import random_walk, thousand_state_random_walk, walk_policy
from .td_lambda import td_lambda_fixed_point, td_lambda_fixed_point_symbolic
from .stationary import (
    chain_stationary_distribution,
    chain_stationary_distribution_symbolic,
    on_policy_distribution,
    on_policy_distribution_symbolic,
    stationary_distribution,
    stationary_distribution_symbolic,
)
from .td import DivergenceWarning, LearningRun, gradient_monte_carlo, semi_gradient_td
from .projected_bellman import TDSystem, projected_bellman_operator, td_fixed_point, td_fixed_point_symbolic, td_system

__all__ = [
    "DQNBatch",
    "DQNHistory",
    "DQNRun",
    "DQNUpdate",
    "dqn_update",
    "gym_transitions",
    "q_learning_on_transitions",
    "q_network",
    "train_dqn",
    "BairdExample",
    "BatchRun",
    "batch_mc_values",
    "batch_mc_values_symbolic",
    "batch_td_values",
    "batch_td_values_symbolic",
    "on_policy_distribution",
    "on_policy_distribution_symbolic",
    "random_walk",
    "td_lambda_fixed_point",
    "td_lambda_fixed_point_symbolic",
    "thousand_state_random_walk",
    "walk_policy",
    "ControlRun",
    "linear_q_learning",
    "linear_sarsa",
    "baird_counterexample",
    "DivergenceWarning",
    "LearningRun",
    "TDSystem",
    "Transitions",
    "chain_stationary_distribution",
    "chain_stationary_distribution_symbolic",
    "discounted_returns_by_episode",
    "fourier_features",
    "gradient_monte_carlo",
    "grid_coordinates",
    "one_hot_features",
    "polynomial_features",
    "projected_bellman_operator",
    "resolve_weights",
    "sample_trajectory",
    "sample_transitions",
    "semi_gradient_td",
    "state_action_features",
    "state_aggregation_features",
    "stationary_distribution",
    "stationary_distribution_symbolic",
    "td_fixed_point",
    "td_fixed_point_symbolic",
    "td_system",
    "tile_coding_features",
    "value_error",
    "value_error_minimizer",
    "value_error_minimizer_symbolic",
    "value_error_symbolic",
    "weighted_norm",
]
