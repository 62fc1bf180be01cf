"""A stand-alone iK Pay look-alike: same paths and signing, a hosted checkout page,
signed callbacks, history, and fault knobs. The sandbox runs the real adapter on it."""

from adapters.simulator.app import create_simulator_app
from adapters.simulator.cli import main
from adapters.simulator.config import FaultAction, Faults, SimulatorConfig
from adapters.simulator.runner import RunningSimulator, running_simulator

__all__ = ["FaultAction", "Faults", "RunningSimulator", "SimulatorConfig",
           "create_simulator_app", "main", "running_simulator"]
