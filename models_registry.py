"""Imports every module that defines tables, so Base.metadata knows them all (migrations, tests)."""
import api.models  # noqa: F401
import bot.models  # noqa: F401
import bot.outbox.models  # noqa: F401
import console.models  # noqa: F401
import content.models  # noqa: F401
import core.models  # noqa: F401
import insights.models  # noqa: F401
import messaging.models  # noqa: F401
import rewards.models  # noqa: F401
import rewards.shops.models  # noqa: F401
