"""Concepts: the things customers talk about, each with its synonyms, abbreviations and examples in
both languages ("Apple Pay" and "街口" are both a mobile wallet; "pts" and "紅利" are both points).

A message's concepts are features of the classifier (bot/understanding/features.py) beside its
words, so a question that names a thing by a synonym or an example still lands where examples
naming the thing by another word were labelled. An intent is, in effect, a combination of concepts
("points" + "record" is the history; "points" + "exchange" is the rewards), learned from the
labelled examples rather than written as rules.

Forms are written normalised (lower case, Traditional characters); English forms match whole words
(a trailing "s" aside), Chinese forms anywhere.
"""
from __future__ import annotations

CONCEPTS: dict[str, tuple[str, ...]] = {
    # -- the member's own things
    "points": ("點數", "積分", "積點", "紅利", "剩幾點", "有幾點", "多少點", "points", "point", "pts", "pt", "balance", "bal", "credits"),
    "card": ("會員卡", "卡片", "電子卡", "會員證", "條碼", "qr", "qrcode", "barcode", "card", "member id", "會員碼",
             "會員編號", "會員號碼", "掃碼", "掃描", "scan", "出示", "show"),
    "tier": ("等級", "級別", "卡別", "階級", "vip", "tier", "level", "status", "rank", "金卡", "銀卡", "白金", "gold",
             "silver", "platinum", "升級", "升等", "降級", "保級", "upgrade", "downgrade"),
    "coupon": ("優惠券", "優惠卷", "折價券", "折價卷", "折扣券", "抵用券", "折扣碼", "優惠碼", "票券", "券", "卷", "coupon",
               "voucher", "discount code", "promo code", "e-coupon", "ecoupon"),
    "exchange": ("兌換", "兌", "換", "折抵", "抵", "exchange", "redeem", "redemption", "trade", "spend on", "use on",
                 "cash in", "swap", "get with", "buy with"),
    "gift": ("禮", "禮物", "禮品", "贈品", "好禮", "gift", "present", "freebie", "treat", "perk", "reward", "rewards"),
    "catalog": ("目錄", "清單", "列表", "有哪些", "有什麼", "什麼可以", "catalog", "catalogue", "list", "options",
                "choices", "what can"),
    "record": ("紀錄", "記錄", "明細", "歷史", "交易", "來源", "進出", "使用狀況", "怎麼來", "扣了", "扣點", "被扣", "history",
               "record", "records", "statement", "transactions", "transaction", "activity", "log", "breakdown",
               "earned", "spent", "used", "deducted"),
    "birthday": ("生日", "壽星", "出生", "birthday", "bday", "b-day", "birth", "dob", "born"),
    "news": ("消息", "活動", "新品", "新聞", "公告", "快訊", "檔期", "特價", "促銷", "折扣", "sale", "news", "promotion",
             "promo", "event", "events", "offers", "deals", "new arrivals", "whats new", "announcement", "campaign"),
    "help": ("幫助", "說明", "功能", "指令", "教學", "怎麼用", "使用方式", "操作", "能做什麼", "可以做什麼", "會做什麼",
             "能幹嘛", "可以幹嘛", "help", "instructions", "commands", "features", "functions", "guide", "tutorial",
             "how does this work", "what can you do", "what do you do", "options", "menu"),
    "join": ("加入", "入會", "註冊", "申請", "成為", "辦會員", "辦卡", "join", "sign up", "signup", "register",
             "enrol", "enroll", "become"),
    "member": ("會員", "member", "membership", "account", "acct", "帳號", "帳戶"),
    "stop": ("取消", "停止", "關閉", "不要", "不想", "別再", "退訂", "封鎖", "太多", "煩", "stop", "cancel", "quit",
             "unsubscribe", "opt out", "turn off", "no more", "too many", "spam", "mute", "block"),
    "start": ("開啟", "恢復", "重新", "再次", "打開", "resume", "turn on", "restart", "again", "back on", "opt in"),
    "message": ("訊息", "推播", "通知", "廣告", "簡訊", "messages", "message", "notifications", "notification", "msgs",
                "msg", "ads", "push", "broadcast", "newsletter", "dm"),
    "subscribe": ("訂閱", "subscribe", "subscription", "follow"),
    "referral": ("推薦", "邀請", "介紹", "揪", "分享", "referral", "refer", "invite", "invitation", "share", "friend",
                 "friends", "朋友", "好友"),
    "code": ("碼", "代碼", "序號", "code", "link"),
    "delete": ("刪除", "刪掉", "移除", "清除", "銷毀", "delete", "erase", "remove", "wipe", "forget"),
    "personal_data": ("個資", "個人資料", "資料", "隱私", "personal data", "data", "information", "info", "privacy",
                      "details"),
    "leave": ("退會", "退出", "不當", "解除", "leave", "quit", "cancel membership", "terminate", "withdraw"),
    "language": ("英文", "中文", "english", "chinese", "語言", "language", "國語", "華語"),
    "how_many": ("多少", "幾點", "剩", "還有", "how many", "how much", "total", "left", "remaining"),
    # -- the shop's own answers
    "hours": ("營業", "開門", "關門", "打烊", "幾點開", "幾點關", "營業時間", "開到", "休息", "公休", "店休", "週末", "周末",
              "假日", "星期", "禮拜", "過年", "open", "opening", "close", "closing", "closed", "hours", "weekend",
              "sunday", "saturday", "holiday", "holidays", "today", "tonight", "what time", "until"),
    "parking": ("停車", "車位", "停車場", "停車費", "泊車", "parking", "park", "garage", "car park", "valet"),
    "vehicle": ("機車", "摩托車", "汽車", "開車", "騎車", "腳踏車", "單車", "ubike", "車", "car", "cars", "scooter",
                "motorbike", "motorcycle", "bike", "bicycle", "drive", "driving", "vehicle"),
    "pay": ("付款", "付錢", "支付", "付費", "結帳", "買單", "刷", "收", "pay", "paying", "payment", "payments", "checkout",
            "accept", "take"),
    "wallet": ("line pay", "linepay", "街口", "jko", "jkopay", "apple pay", "applepay", "google pay", "samsung pay",
               "悠遊付", "悠遊卡", "一卡通", "全支付", "全盈", "pi錢包", "pi 錢包", "台灣pay", "taiwan pay", "行動支付",
               "電子支付", "手機支付", "mobile payment", "e-wallet", "ewallet", "wallet", "easycard", "ipass",
               "paypal", "alipay", "支付寶", "微信支付", "wechat pay"),
    "card_brand": ("信用卡", "簽帳卡", "金融卡", "visa", "master", "mastercard", "jcb", "amex", "american express",
                   "美國運通", "銀聯", "unionpay", "debit", "credit card", "credit cards"),
    "cash": ("現金", "cash", "零錢", "鈔票"),
    "return": ("退貨", "退換", "換貨", "退款", "退錢", "退費", "瑕疵", "壞掉", "破掉", "不合", "尺寸", "鑑賞期", "七天",
               "return", "returns", "refund", "exchange", "defective", "broken", "damaged", "wrong size",
               "money back", "send back"),
    "ship": ("運費", "運送", "寄送", "配送", "宅配", "寄到", "寄", "出貨", "到貨", "送到", "免運", "物流", "快遞", "黑貓",
             "新竹物流", "郵局", "超商", "7-11", "711", "全家", "萊爾富", "取貨", "店到店", "海外", "國外", "shipping", "ship",
             "delivery", "deliver", "courier", "post", "postage", "pickup", "pick up", "overseas", "abroad",
             "shipping fee", "free shipping", "arrive", "dispatch"),
    "store": ("門市", "分店", "店面", "實體店", "據點", "店", "store", "stores", "shop", "shops", "branch", "branches",
              "location", "locations", "outlet"),
    "place": ("在哪", "哪裡", "地址", "位置", "怎麼去", "怎麼走", "附近", "where", "address", "near", "nearby",
              "directions", "located"),
    "earn": ("累積", "集點", "賺", "得到", "拿到", "送點", "回饋", "倍", "earn", "earning", "collect", "accumulate",
             "get points", "gain", "rate", "per"),
    "rule": ("規則", "怎麼算", "計算", "辦法", "方式", "制度", "條件", "到期", "過期", "期限", "有效", "失效", "rule", "rules",
             "work", "works", "calculated", "calculate", "expire", "expiry", "expiration", "valid", "policy"),
    "person": ("真人", "人工", "專人", "客服", "服務人員", "店員", "人員", "小編", "有人", "person", "human", "agent",
               "staff", "operator", "representative", "rep", "someone", "somebody", "real", "live", "customer service",
               "support", "manager", "employee"),
    "talk": ("說話", "講話", "聊", "對話", "溝通", "聯絡", "聯繫", "轉接", "找", "talk", "speak", "chat", "contact",
             "connect", "reach", "call"),
}

# Things that are not the shop's: a member word next to one of these is usually about something else
# ("my friend's birthday", "points in a game", "my bank's card points", "world news").
OTHER_WORLDS: dict[str, tuple[str, ...]] = {
    "other_people": ("朋友", "媽", "爸", "老闆", "同事", "同學", "老公", "老婆", "男友", "女友", "兒子", "女兒", "哥", "姊", "姐",
                     "弟", "妹", "阿嬤", "阿公", "奶奶", "爺爺", "家人", "小孩", "寶寶", "貓", "狗", "寵物", "friend", "friends",
                     "mom", "mum", "mother", "dad", "father", "boss", "colleague", "coworker", "sister", "brother",
                     "daughter", "son", "wife", "husband", "boyfriend", "girlfriend", "kid", "kids", "baby", "cat",
                     "dog", "grandma", "grandpa", "family", "neighbor", "neighbour", "teacher", "老師", "roommate", "classmate",
                     "uncle", "aunt", "cousin", "niece", "nephew", "partner", "舅舅", "叔叔", "阿姨", "姑姑", "表哥", "表姊",
                     "室友", "鄰居", "她的", "他的"),
    "games": ("遊戲", "手遊", "電玩", "打怪", "關卡", "副本", "寶可夢", "卡牌", "撲克", "game", "games", "gaming", "player",
              "boss", "league", "pokemon", "poker", "rank", "ranked", "xp", "quest", "gacha", "抽卡", "抽卡池",
              "段位", "牌位", "升段", "傳說對決", "英雄聯盟", "lol", "minecraft", "fortnite",
              "ps5", "playstation", "xbox", "nintendo", "任天堂", "球賽", "比賽",
              "得分", "籃球", "足球", "棒球", "basketball", "football", "soccer", "baseball", "tennis", "nba"),
    "other_services": ("銀行", "航空", "哩程", "里程", "飯店", "旅館", "健身房", "電信", "蝦皮", "momo", "netflix", "spotify",
                       "youtube", "uber", "foodpanda", "高鐵", "台鐵", "星巴克", "7-11", "全聯", "家樂福", "國泰", "玉山",
                       "中信", "台新", "富邦", "bank", "airline", "airlines", "miles", "mileage", "hotel", "gym", "telecom",
                       "shopee", "amazon", "starbucks", "costco", "ikea", "credit score", "信用等級", "悠遊卡", "easycard", "電話卡",
                       "手機費", "電話費", "phone bill", "phone card", "sim", "prepaid", "data plan", "網路費",
                       "insurance", "保險", "信用卡帳單", "房租", "rent", "loan", "貸款", "mortgage", "frequent flyer",
                       "hilton", "marriott", "uniqlo", "line 貼圖", "貼圖", "sticker", "stickers", "instagram", "ig",
                       "facebook", "fb", "tiktok", "抖音", "profile picture", "大頭貼", "頭貼"),
    "world": ("新聞", "選舉", "總統", "地震", "颱風", "下雨", "天氣", "股票", "股市", "疫情", "戰爭", "election", "president",
              "earthquake", "typhoon", "weather", "rain", "raining", "stock", "stocks", "war", "politics", "world",
              "government", "economy", "headlines", "國際", "世界", "政府",
              "經濟", "政治", "頭條", "sports", "體育", "celebrity", "明星", "八卦", "gossip", "snow", "sunny", "晴天",
              "溫度", "temperature", "traffic", "塞車"),
    "school": ("課", "考試", "學校", "作業", "報告", "論文", "歷史課", "class", "exam", "school", "homework", "essay",
               "lesson", "lecture", "university", "college", "documentary", "channel", "browser", "瀏覽器", "math", "數學",
               "history class", "teacher", "professor", "教授", "grade", "grades", "成績", "學期", "semester",
               "補習", "tutor", "poem", "詩", "novel", "小說",
               "textbook", "課本", "ntu", "台大"),
    "life": ("派對", "蛋糕", "好玩", "好累", "無聊", "好熱", "好冷", "睡", "吃", "電影", "音樂", "歌", "party", "cake", "fun",
             "tired", "bored", "boring", "hot", "cold", "sleep", "movie", "music", "song", "necklace", "jewelry",
             "jewellery", "項鍊", "首飾", "wedding", "婚禮", "約會", "vacation", "trip", "旅行", "旅遊", "出國",
             "dinner", "lunch", "晚餐", "午餐", "restaurant", "餐廳", "drama", "劇", "追劇", "series", "anime",
             "動漫", "joke", "笑話", "sick", "生病", "感冒", "doctor", "醫生", "hospital", "醫院", "concert", "演唱會"),
}

# Places people name a store by (a district, a road, a landmark): matched like any concept.
# The stores themselves come from the content library; these only say "a place was named".
PLACES: tuple[str, ...] = ("台北", "臺北", "台中", "臺中", "信義", "南西", "中山", "高雄", "新竹", "台南", "桃園", "taipei",
                           "taichung", "xinyi", "nanxi", "zhongshan")
