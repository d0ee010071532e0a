from bot.outbox.batches import Item, group_identical

HELLO = [{"type": "text", "text": "hello"}]
BYE = [{"type": "text", "text": "bye"}]


def test_identical_messages_share_a_batch_and_others_go_alone():
    batches = group_identical([Item(1, "Ua", HELLO), Item(2, "Ub", BYE), Item(3, "Uc", HELLO)])
    assert [(b.row_ids, b.multicast) for b in batches] == [([1, 3], True), ([2], False)]


def test_batches_hold_at_most_the_limit():
    batches = group_identical([Item(n, f"U{n}", HELLO) for n in range(1, 1102)])
    assert [b.size for b in batches] == [500, 500, 101]
    assert sorted(r for b in batches for r in b.row_ids) == list(range(1, 1102))


def test_a_member_with_two_identical_rows_is_in_two_batches():
    batches = group_identical([Item(1, "Ua", HELLO), Item(2, "Ua", HELLO), Item(3, "Ub", HELLO)])
    assert [b.user_ids for b in batches] == [["Ua", "Ub"], ["Ua"]]
    assert [b.multicast for b in batches] == [True, False]


def test_key_order_in_a_message_does_not_split_a_batch():
    a = [{"type": "text", "text": "x", "quickReply": {"items": []}}]
    b = [{"quickReply": {"items": []}, "text": "x", "type": "text"}]
    assert len(group_identical([Item(1, "Ua", a), Item(2, "Ub", b)])) == 1
