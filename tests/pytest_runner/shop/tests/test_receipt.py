from shop import receipt


def test_receipt_rounds():
    assert receipt.line("tea", 2.499) == "tea: 2.5"
