"""Reinforcement learning: value-function approximation and TD learning (价值函数方法), policy gradient and actor-critic (策略梯度, Actor-Critic).

Modules: :mod:`~refalgo.rl.stationary` (the stationary distribution of a policy's chain),
:mod:`~refalgo.rl.objectives` (the value error and its minimiser, the projection),
:mod:`~refalgo.rl.projected_bellman` (the projected Bellman equation and the TD fixed point),
:mod:`~refalgo.rl.features` (one-hot, aggregation, polynomial, Fourier, tile coding),
:mod:`~refalgo.rl.sampling` (seeded transitions and trajectories from an MDP) and
:mod:`~refalgo.rl.td` (semi-gradient TD(λ), gradient Monte Carlo),
:mod:`~refalgo.rl.control` (Sarsa and Q-learning with linear features),
:mod:`~refalgo.rl.counterexamples` (Baird's star), :mod:`~refalgo.rl.td_lambda` (the TD(λ) fixed
point), :mod:`~refalgo.rl.batch` (batch TD and MC, certainty equivalence) and
:mod:`~refalgo.rl.examples` (Sutton & Barto's random walks),
:mod:`~refalgo.rl.pg_theorem` (softmax policies, the exact policy gradient, the natural
gradient, the short corridor) and :mod:`~refalgo.rl.actor_critic` (REINFORCE, QAC, A2C and
off-policy actor-critic). The public names are
re-exported here. The chain classification, exact solves and the compiled learner loop
live in the private package ``refalgo.rl._engine``, which only these modules import.
"""

from .actor_critic import (
    A2CLoss,
    ActorCriticRun,
    a2c,
    a2c_loss,
    episode_gradients,
    linear_softmax_policy,
    off_policy_actor_critic,
    qac,
    reinforce,
    reinforce_loss,
    reinforce_with_baseline,
    softmax_score,
    softmax_score_symbolic,
)
from .pg_theorem import (
    discounted_visitation,
    discounted_visitation_symbolic,
    fisher_information,
    fisher_information_symbolic,
    natural_gradient,
    natural_gradient_symbolic,
    natural_policy_gradient_step,
    objective,
    objective_symbolic,
    policy_gradient,
    policy_gradient_symbolic,
    short_corridor,
    short_corridor_features,
    softmax_policy,
    softmax_policy_symbolic,
    variance_minimising_baseline,
)
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
    "A2CLoss",
    "ActorCriticRun",
    "a2c",
    "a2c_loss",
    "episode_gradients",
    "linear_softmax_policy",
    "off_policy_actor_critic",
    "qac",
    "reinforce",
    "reinforce_loss",
    "reinforce_with_baseline",
    "softmax_score",
    "softmax_score_symbolic",
    "discounted_visitation",
    "discounted_visitation_symbolic",
    "fisher_information",
    "fisher_information_symbolic",
    "natural_gradient",
    "natural_gradient_symbolic",
    "natural_policy_gradient_step",
    "objective",
    "objective_symbolic",
    "policy_gradient",
    "policy_gradient_symbolic",
    "short_corridor",
    "short_corridor_features",
    "softmax_policy",
    "softmax_policy_symbolic",
    "variance_minimising_baseline",
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
