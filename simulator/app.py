"""The simulator as one Flask app: fake Messaging API, chat page and control endpoints."""
from flask import Flask

from simulator.account_link import dialog_blueprint
from simulator.api import api_blueprint
from simulator.chat import chat_blueprint
from simulator.liff import liff_blueprint
from simulator.mailbox import mail_blueprint
from simulator.control import control_blueprint
from simulator.platform import LinePlatform
from simulator.sms_gateways import sms_blueprint
from simulator.webhook_sender import WebhookSender


def create_app(platform=None, bot_url=None, channel_secret=None, mail_dir=None) -> Flask:
    """mail_dir: the development mail server's folder, shown at /__sim/mail/page (None: no mail shown)."""
    platform = platform or LinePlatform()
    sender = WebhookSender(bot_url, channel_secret, platform=platform)
    app = Flask(__name__, static_folder=None)
    app.json.ensure_ascii = False
    app.extensions["line_simulator"] = {"platform": platform, "sender": sender}
    app.register_blueprint(api_blueprint(platform))
    app.register_blueprint(control_blueprint(platform))
    app.register_blueprint(chat_blueprint(platform, sender))
    app.register_blueprint(sms_blueprint(platform))
    app.register_blueprint(dialog_blueprint(platform, sender))
    app.register_blueprint(liff_blueprint(platform, sender))
    app.register_blueprint(mail_blueprint(mail_dir))
    return app
