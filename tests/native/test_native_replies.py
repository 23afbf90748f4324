"""A model's reply becomes a program only when a fenced block defines the function that was asked for."""

from seidr.synth.native_replies import code_from_reply

REPLY = """Here is a helper and the function.

```text
count_letter(word, letter) counts letters
```

```cpp
#include <algorithm>
int count_letter(const std::string& word, char letter) {
    return std::count(word.begin(), word.end(), letter);
}
```
"""


def test_the_language_block_defining_the_function_is_taken():
    code = code_from_reply("cpp", REPLY, "count_letter")
    assert code.startswith("#include <algorithm>") and code.endswith("}")


def test_a_reply_without_the_function_gives_nothing():
    assert code_from_reply("rust", REPLY, "count_letter") is None
    assert code_from_reply("rust", "```rust\nfn other() {}\n```", "Grid.parse") is None
    assert code_from_reply("verus", "```rust\nfn parse(x: u8) -> u8 { x }\n```", "Grid.parse").startswith("fn parse")
