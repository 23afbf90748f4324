"""Small doctest-specified functions of the kind people sketch first; the benchmark searches each body."""


def square(x):
    """
    >>> square(3)
    9
    >>> square(-4)
    16
    """


def add(a, b):
    """
    >>> add(2, 3)
    5
    >>> add(-1, 10)
    9
    """


def double(x):
    """
    >>> double(4)
    8
    >>> double(-3)
    -6
    """


def is_even(n):
    """
    >>> is_even(4)
    True
    >>> is_even(7)
    False
    >>> is_even(0)
    True
    """


def clamp(x, lo, hi):
    """
    >>> clamp(5, 0, 10)
    5
    >>> clamp(-2, 0, 10)
    0
    >>> clamp(12, 0, 10)
    10
    >>> clamp(3, 4, 9)
    4
    """


def absolute_difference(a, b):
    """
    >>> absolute_difference(3, 8)
    5
    >>> absolute_difference(9, 2)
    7
    """


def is_leap(year):
    """
    >>> is_leap(2000)
    True
    >>> is_leap(1900)
    False
    >>> is_leap(2024)
    True
    >>> is_leap(2023)
    False
    """


def last_digit(n):
    """
    >>> last_digit(1234)
    4
    >>> last_digit(70)
    0
    >>> last_digit(9)
    9
    """


def average(a, b):
    """
    >>> average(2, 4)
    3.0
    >>> average(1, 2)
    1.5
    """


def sign(x):
    """
    >>> sign(5)
    1
    >>> sign(-3)
    -1
    >>> sign(0)
    0
    """


def max_of_three(a, b, c):
    """
    >>> max_of_three(1, 5, 3)
    5
    >>> max_of_three(9, 2, 4)
    9
    >>> max_of_three(1, 2, 7)
    7
    """


def celsius_to_fahrenheit(c):
    """
    >>> celsius_to_fahrenheit(0)
    32
    >>> celsius_to_fahrenheit(100)
    212
    >>> celsius_to_fahrenheit(-40)
    -40
    """


def shout(s):
    """Upper-cases the text and adds "!".

    >>> shout('hi')
    'HI!'
    >>> shout('ok go')
    'OK GO!'
    """


def reverse(s):
    """
    >>> reverse('abc')
    'cba'
    >>> reverse('racecar')
    'racecar'
    >>> reverse('xy')
    'yx'
    """


def is_palindrome(s):
    """
    >>> is_palindrome('racecar')
    True
    >>> is_palindrome('abc')
    False
    >>> is_palindrome('abba')
    True
    """


def first_char(s):
    """
    >>> first_char('hello')
    'h'
    >>> first_char('world')
    'w'
    """


def initials(name):
    """
    >>> initials('Ada Lovelace')
    'AL'
    >>> initials('Alan Mathison Turing')
    'AMT'
    """


def count_vowels(s):
    """Counts the letters of "aeiou".

    >>> count_vowels('hello')
    2
    >>> count_vowels('sky')
    0
    >>> count_vowels('banana')
    3
    >>> count_vowels('aeiou')
    5
    """


def word_count(s):
    """
    >>> word_count('the quick brown fox')
    4
    >>> word_count('hello')
    1
    >>> word_count('')
    0
    """


def capitalize_words(s):
    """
    >>> capitalize_words('hello world')
    'Hello World'
    >>> capitalize_words('a tale')
    'A Tale'
    """


def count_char(s, c):
    """
    >>> count_char('banana', 'a')
    3
    >>> count_char('hello', 'l')
    2
    >>> count_char('xyz', 'a')
    0
    """


def starts_with(s, prefix):
    """
    >>> starts_with('seidr', 'sei')
    True
    >>> starts_with('seidr', 'dr')
    False
    """


def repeat(s, n):
    """
    >>> repeat('ab', 3)
    'ababab'
    >>> repeat('x', 0)
    ''
    """


def strip_and_lower(s):
    """
    >>> strip_and_lower('  Hello ')
    'hello'
    >>> strip_and_lower('ABC')
    'abc'
    """


def join_words(words):
    """Joins words with " ".

    >>> join_words(['a', 'b', 'c'])
    'a b c'
    >>> join_words(['hello'])
    'hello'
    """


def remove_spaces(s):
    """Removes every " ".

    >>> remove_spaces('a b c')
    'abc'
    >>> remove_spaces('no  gaps here')
    'nogapshere'
    """


def last_word(s):
    """
    >>> last_word('the quick fox')
    'fox'
    >>> last_word('hello')
    'hello'
    """


def total(xs):
    """
    >>> total([1, 2, 3])
    6
    >>> total([])
    0
    >>> total([5, -5, 10])
    10
    """


def largest(xs):
    """
    >>> largest([3, 9, 2])
    9
    >>> largest([-1, -5])
    -1
    """


def spread(xs):
    """
    >>> spread([3, 9, 2])
    7
    >>> spread([5])
    0
    >>> spread([10, 1, 4])
    9
    """


def evens(xs):
    """
    >>> evens([1, 2, 3, 4, 6])
    [2, 4, 6]
    >>> evens([5, 7])
    []
    >>> evens([8, 1])
    [8]
    """


def squares(xs):
    """
    >>> squares([1, 2, 3])
    [1, 4, 9]
    >>> squares([])
    []
    >>> squares([-2])
    [4]
    """


def count_positive(xs):
    """
    >>> count_positive([1, -2, 3, 0])
    2
    >>> count_positive([-1, -2])
    0
    >>> count_positive([4, 5, 6])
    3
    """


def sum_of_squares(xs):
    """
    >>> sum_of_squares([1, 2, 3])
    14
    >>> sum_of_squares([])
    0
    >>> sum_of_squares([4])
    16
    """


def has_negative(xs):
    """
    >>> has_negative([1, -2, 3])
    True
    >>> has_negative([1, 2])
    False
    >>> has_negative([])
    False
    """


def all_positive(xs):
    """
    >>> all_positive([1, 2, 3])
    True
    >>> all_positive([1, -2])
    False
    >>> all_positive([5])
    True
    """


def sort_descending(xs):
    """
    >>> sort_descending([3, 1, 2])
    [3, 2, 1]
    >>> sort_descending([5, 9])
    [9, 5]
    """


def unique_sorted(xs):
    """
    >>> unique_sorted([3, 1, 3, 2, 1])
    [1, 2, 3]
    >>> unique_sorted([5, 5])
    [5]
    """


def first_n(xs, n):
    """
    >>> first_n([1, 2, 3, 4], 2)
    [1, 2]
    >>> first_n([7, 8], 5)
    [7, 8]
    >>> first_n([9, 8, 7], 0)
    []
    """


def count_up(n):
    """
    >>> count_up(4)
    [0, 1, 2, 3]
    >>> count_up(0)
    []
    """


def sum_to(n):
    """
    >>> sum_to(4)
    10
    >>> sum_to(1)
    1
    >>> sum_to(10)
    55
    """


def mean(xs):
    """
    >>> mean([1, 2, 3])
    2.0
    >>> mean([4, 5])
    4.5
    """


def contains(xs, x):
    """
    >>> contains([1, 2, 3], 2)
    True
    >>> contains([1, 2, 3], 5)
    False
    """


def middle(xs):
    """
    >>> middle([1, 2, 3])
    2
    >>> middle([5, 9, 7, 1, 0])
    7
    """


def longest_word_length(s):
    """
    >>> longest_word_length('a quick brown fox')
    5
    >>> longest_word_length('hello')
    5
    >>> longest_word_length('to be or not')
    3
    """


# Cases the search never sees: a found program counts as right only if it also computes these.
HIDDEN = {
    "square": [((7,), 49)], "add": [((100, 23), 123)], "double": [((11,), 22)],
    "is_even": [((10,), True), ((3,), False)], "clamp": [((7, 1, 5), 5), ((0, 2, 8), 2)],
    "absolute_difference": [((-3, 3), 6)], "is_leap": [((1600,), True), ((2100,), False), ((1996,), True)],
    "last_digit": [((58,), 8)], "average": [((10, 20), 15.0)], "sign": [((42,), 1), ((-7,), -1)],
    "max_of_three": [((3, 3, 2), 3), ((0, 8, 1), 8)], "celsius_to_fahrenheit": [((10,), 50)],
    "shout": [(("yes",), "YES!")], "reverse": [(("hello",), "olleh")],
    "is_palindrome": [(("noon",), True), (("node",), False)], "first_char": [(("zeta",), "z")],
    "initials": [(("Grace Hopper",), "GH")], "count_vowels": [(("education",), 5)],
    "word_count": [(("a b",), 2)], "capitalize_words": [(("big red dog",), "Big Red Dog")],
    "count_char": [(("mississippi", "s"), 4)], "starts_with": [(("python", "py"), True), (("python", "on"), False)],
    "repeat": [(("-", 4), "----")], "strip_and_lower": [((" MiXeD  ",), "mixed")],
    "join_words": [((["x", "y"],), "x y")], "remove_spaces": [(("o k",), "ok")],
    "last_word": [(("zebra and ant",), "ant")], "total": [(([2, 2],), 4)], "largest": [(([0, 4, 1],), 4)],
    "spread": [(([1, 2, 3, 10],), 9), (([4, 4],), 0)], "evens": [(([10, 11, 12],), [10, 12])],
    "squares": [(([3, 4],), [9, 16])], "count_positive": [(([7, -7, 7],), 2)],
    "sum_of_squares": [(([1, 1],), 2)], "has_negative": [(([-9],), True), (([0, 9],), False)],
    "all_positive": [(([2, 0],), False), (([8, 9],), True)], "sort_descending": [(([1, 3, 2],), [3, 2, 1])],
    "unique_sorted": [(([2, 2, 1],), [1, 2])], "first_n": [(([4, 5, 6], 1), [4])],
    "count_up": [((2,), [0, 1])], "sum_to": [((3,), 6)], "mean": [(([2, 4, 6, 8],), 5.0)],
    "contains": [(([9, 8], 8), True), (([9, 8], 1), False)], "middle": [(([0, 5, 10],), 5), (([4, 1, 9],), 1)],
    "longest_word_length": [(("hi there",), 5)],
}
