"""Words of the conversation around the member questions: small talk, asking for a person, stores.

Edit here, then run tests/intents (the labelled set) and bench/intent_routing.py.
"""
from __future__ import annotations

# Small talk: a message made only of these (and fillers, punctuation, emoji) gets a short friendly
# answer of its kind, never a member intent.
SMALL_TALK: dict[str, tuple[str, ...]] = {
    "greeting": ("你好", "您好", "哈囉", "哈摟", "嗨", "嗨嗨", "早安", "早", "午安", "晚上好", "下午好", "早上好", "有人在嗎",
                 "hi", "hello", "hey", "hiya", "yo", "good morning", "good afternoon", "good evening", "hi there",
                 "hello there", "how are you", "新年快樂"),
    "thanks": ("謝謝", "謝啦", "感謝", "多謝", "非常感謝", "感恩", "3q", "thanks", "thank you", "thank u", "thx", "ty",
               "many thanks", "辛苦了", "cheers", "much appreciated", "appreciated", "appreciate it"),
    "ack": ("好的", "好", "好喔", "好唷", "ok", "okay", "okey", "收到", "了解", "瞭解", "知道了", "沒問題", "got it", "sure",
            "alright", "noted", "nice", "cool", "great", "讚"),
    "bye": ("再見", "掰掰", "拜拜", "下次見", "明天見", "晚安", "bye", "bye bye", "goodbye", "see you", "see ya",
            "good night"),
}
# Words that may surround small talk without making it something else.
SMALL_TALK_FILLERS: tuple[str, ...] = (
    "啊", "呀", "喔", "唷", "囉", "啦", "哦", "嗎", "你", "你們", "您", "so", "much", "a", "lot", "very", "again",
    "you", "all", "guys", "everyone", "了", "~", "機器人", "bot",
)
# Emoji that say thanks, yes or hello on their own.
SMALL_TALK_EMOJI: dict[str, str] = {"👍": "ack", "👌": "ack", "🙏": "thanks", "👋": "greeting", "🙂": "ack",
                                    "😊": "ack", "❤": "thanks", "🥰": "thanks", "💯": "ack", "✌": "ack"}

# Asking for a person (the chat is handed to staff).
HANDOFF: tuple[str, ...] = (
    "真人客服", "真人", "找真人", "轉真人", "人工客服", "真人服務", "客服人員", "專人", "找專人", "轉接客服", "找客服",
    "服務人員", "跟真人說話", "talk to a person", "talk to a human", "speak to someone", "speak to a person",
    "talk to someone", "real person", "customer service agent", "live agent", "human agent", "talk to staff",
)
# Leaving a step the bot is waiting in (the number or the code of phone verification): the whole message.
CANCEL: tuple[str, ...] = (
    "取消", "算了", "不要了", "不用了", "離開", "結束", "停止", "先不要", "取消驗證", "不驗證了",
    "cancel", "stop", "quit", "exit", "never mind", "nevermind", "forget it", "no thanks",
)
# Asking where the stores are: anywhere in a message, or (STORES_SOLO) only as the whole message
# ("I love your shop" is not a question about stores).
STORES: tuple[str, ...] = (
    "門市據點", "門市地址", "門市在哪", "店面地址", "實體店", "據點", "店在哪", "最近的門市", "分店有哪些",
    "store locations", "store list", "store addresses", "where are your shops", "where are your stores",
)
STORES_SOLO: tuple[str, ...] = ("門市", "分店", "店面", "stores", "store", "shops", "shop", "locations", "branches")
