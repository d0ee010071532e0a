"""Which check the simulator uses: LINE's OpenAPI files where they are, else the installed line-bot-sdk's
models (generated from the same specs), so every call is checked wherever the simulator runs."""
from simulator.sdk_spec import SdkMessagingSpec, SdkWebhookSpec
from simulator.spec import MESSAGING_SPEC, WEBHOOK_SPEC, MessagingSpec, WebhookSpec, load


def load_messaging_spec(directory=None):
    return load(MessagingSpec, MESSAGING_SPEC, directory, SdkMessagingSpec)


def load_webhook_spec(directory=None):
    return load(WebhookSpec, WEBHOOK_SPEC, directory, SdkWebhookSpec)
