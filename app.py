"""The app factory. `gunicorn app:app` serves the module-level app; `flask --app app ...` runs commands."""
from __future__ import annotations

import logging
from functools import partial

from flask import Flask
from linebot.v3.webhook import WebhookParser

import handlers
from api import bp as api_bp
from api.shop_processing import ShopDeliveryWorker
from api.shop_webhooks import bp as shop_webhooks_bp
from cli.apikeys import apikey_cli
from cli.errors import guard_commands
from core.logs import configure_logging
from ops import bp as ops_bp
from cli.members import members_cli
from cli.metrics import metrics_cli
from cli.orders import orders_cli
from cli.points import points_cli
from bot import member_qr
from bot.understanding import current as understanding
from cli.db import db_cli
from cli.demo import demo_cli
from core.clock import Clock
from core.config import Config, ConfigError
from cli.content import content_cli
from core.db import Database
from bot.dispatch import Dispatcher, Services
from bot.line_client import LineClient, account_link_token
from bot.member_qr_route import bp as member_qr_bp
from bot.liff_api import bp as liff_api_bp
from bot.liff_pages import bp as liff_pages_bp
from bot.richmenu.menus import LIFF_URL
from bot.short_link_route import bp as short_link_bp
from bot.media_route import bp as media_bp
from core.media_store import store_from as media_store_from
from bot.answers import AnswerSender
from bot.processing import EventProcessor, InboxWorker
from cli.richmenu import richmenu_cli
from cli.shops import shops_cli
from cli.staff import staff_cli
from core import request_guard
from core.runtime import Runtime
from bot.webhook import bp as webhook_bp
from cli.worker import jobs_cli, worker_cli
from console import init_console
from messaging.mail.smtp import mailer_from
from messaging.sms.choice import gateway_from as sms_gateway_from
from rewards import membership
from rewards.phone_verification import Policy as PhonePolicy, code_key as phone_code_key
from rewards.settings import ProgramSettings
from rewards.shops.crediting import ShopSettings


def create_app(overrides: dict | None = None, clock: Clock | None = None) -> Flask:
    """Build the app from the environment; tests pass `overrides` (config names) and a fixed clock."""
    overrides = dict(overrides or {})
    config = Config.from_env(**overrides)
    configure_logging(config.LOG_LEVEL, config.LOG_FORMAT)
    for warning in config.start_warnings():
        logging.getLogger(__name__).warning(warning)

    app = Flask(__name__, instance_relative_config=False)
    app.config.update(SECRET_KEY=config.SECRET_KEY, TESTING=config.BOT_ENV == "test",
                      SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=config.is_production)

    membership.use_identity_key(config.identity_key())
    db = Database(config.DATABASE_URL)
    line = LineClient(config.LINE_CHANNEL_ACCESS_TOKEN, config.LINE_API_URL, config.LINE_API_DATA_URL,
                      timeout=config.LINE_TIMEOUT_SECONDS)
    rt = Runtime(config=config, db=db, clock=clock or Clock(config.BOT_TIMEZONE),
                 settings=ProgramSettings.from_file(config.BOT_SETTINGS_FILE), line=line,
                 media=media_store_from(config))
    app.extensions["bot"] = rt
    request_guard.init(app)

    services = Services(profile=line.get_profile, public_url=config.BOT_PUBLIC_URL,
                        qr_url=partial(member_qr.signed_qr_url, config.BOT_PUBLIC_URL, config.SECRET_KEY),
                        coupon_qr_url=partial(member_qr.signed_coupon_url, config.BOT_PUBLIC_URL, config.SECRET_KEY),
                        default_language=config.BOT_LANGUAGE,
                        card_page_url=LIFF_URL.format(liff_id=config.LIFF_ID) if config.LIFF_ID else "",
                        order_claim_days=config.ORDER_CLAIM_DAYS,
                        handoff_hours=config.HANDOFF_HOURS, service_hours=config.SERVICE_HOURS,
                        sms=sms_gateway_from(config),
                        phone_policy=PhonePolicy(allow_foreign=config.phone_allow_foreign()),
                        phone_code_key=phone_code_key(config.SECRET_KEY),
                        link_token=partial(account_link_token, line),
                        account_link_login_url=config.ACCOUNT_LINK_LOGIN_URL)
    dispatcher = Dispatcher(handlers.routers(), lambda session, text: understanding.model_for(session).understand(text))
    answers = AnswerSender(db, rt.clock, line, config.reply_as_push_after(), config.LINE_TIMEOUT_SECONDS)
    processor = EventProcessor(db, rt.clock, rt.settings, line, dispatcher, services, answers)
    app.extensions["inbox_worker"] = InboxWorker(processor, config.INBOX_MODE, config.INBOX_THREADS)
    app.extensions["webhook_parser"] = WebhookParser(config.LINE_CHANNEL_SECRET)
    try:
        shop_settings = ShopSettings.from_config(config)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    app.extensions["shop_settings"] = shop_settings
    app.extensions["mailer"] = mailer_from(config)  # email verification (None: not offered)
    app.extensions["shop_worker"] = ShopDeliveryWorker(db, rt.clock, rt.settings, shop_settings, config.INBOX_MODE)

    app.register_blueprint(webhook_bp)
    app.register_blueprint(shop_webhooks_bp)
    app.register_blueprint(member_qr_bp)
    app.register_blueprint(liff_pages_bp)
    app.register_blueprint(liff_api_bp)
    app.register_blueprint(short_link_bp)
    app.register_blueprint(media_bp)
    app.register_blueprint(richmenu_cli)
    app.register_blueprint(db_cli)
    app.register_blueprint(demo_cli)
    app.register_blueprint(worker_cli)
    app.register_blueprint(jobs_cli)
    app.register_blueprint(api_bp)
    app.register_blueprint(apikey_cli)
    app.register_blueprint(points_cli)
    app.register_blueprint(orders_cli)
    app.register_blueprint(members_cli)
    app.register_blueprint(content_cli)
    app.register_blueprint(staff_cli)
    app.register_blueprint(metrics_cli)
    app.register_blueprint(shops_cli)
    init_console(app)
    app.register_blueprint(ops_bp)
    guard_commands(app.cli)
    return app


_app: Flask | None = None


def __getattr__(name: str):
    """`app` is built on first use (gunicorn app:app, flask --app app), so importing create_app needs no env."""
    global _app
    if name == "app":
        if _app is None:
            try:
                _app = create_app()
            except ConfigError as exc:
                raise SystemExit(f"configuration error: {exc}") from None
        return _app
    raise AttributeError(name)
