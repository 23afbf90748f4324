"""A C++, Rust or Verus reply becomes a program only when a block defines the function that was asked for."""

from seidr.runners.problem import Problem
from seidr.synth.replies import parse_reply

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


def problem(language: str, name: str, signature: str = "") -> Problem:
    return Problem(language=language, name=name, signature=signature)


def test_the_language_block_defining_the_function_is_taken():
    code = parse_reply(REPLY, problem("cpp", "count_letter", "int count_letter(const std::string& w, char c)")).code
    assert code.startswith("#include <algorithm>") and code.rstrip().endswith("}")


def test_a_reply_without_the_function_gives_the_reason():
    assert parse_reply(REPLY, problem("rust", "count_letter")).reason == "the reply defines no function count_letter"
    assert parse_reply("```rust\nfn other() {}\n```", problem("rust", "Grid.parse")).code is None
    verus = parse_reply("```rust\nfn parse(x: u8) -> u8 { x }\n```", problem("verus", "Grid.parse"))
    assert verus.code.startswith("fn parse")
