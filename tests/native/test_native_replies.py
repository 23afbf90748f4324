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


def test_helpers_the_file_already_defines_are_not_defined_twice():
    """As HumanEval-X's make_palindrome: the file has is_palindrome, the reply repeats it beside the answer."""
    context = ("#include <string>\nusing namespace std;\nbool is_palindrome(string str){\n    string s(str.rbegin(),"
               "str.rend());\n    return s==str;\n}\n")
    reply = ("```cpp\n#include <string>\nusing namespace std;\nbool is_palindrome(string str){\n"
             "    string s(str.rbegin(),str.rend());\n    return s==str;\n}\n"
             "string make_palindrome(string str){\n    if (is_palindrome(str)) return str;\n"
             "    return str + string(str.rbegin(), str.rend());\n}\n```")
    wanted = Problem(language="cpp", name="make_palindrome", signature="string make_palindrome(string str)",
                     context=context)
    code = parse_reply(reply, wanted).code
    assert "bool is_palindrome" not in code and code.count("make_palindrome(") == 1
    assert "if (is_palindrome(str)) return str;" in code  # a call of the helper stays
    rust = Problem(language="rust", name="twice", context="fn half(x: i64) -> i64 {\n    x / 2\n}\n")
    code = parse_reply("```rust\nfn half(x: i64) -> i64 { x / 2 }\nfn twice(x: i64) -> i64 { half(x) * 4 }\n```",
                       rust).code
    assert "fn half" not in code and "half(x) * 4" in code


def test_a_call_in_a_comment_is_not_the_definition():
    """As HumanEval-X's words_string: the prompt's comment shows a call with a braced result and a stray quote."""
    reply = ('```cpp\n/*\nFor example:\nwords("Hi, John") == {"Hi", "John"}\nwords("One, two") == {"One", \'two"}\n*/\n'
             '#include<vector>\n#include<string>\nusing namespace std;\nvector<string> words(string s){\n'
             '    return {s};\n}\n```')
    code = parse_reply(reply, problem("cpp", "words", "vector<string> words(string s)")).code
    assert code is not None and "return {s};" in code
