// Small string helpers with examples seidr checks: one passes, one fails, one is a stub to synthesize.
#include <string>

/// Whether a word reads the same backwards.
/// >>> is_palindrome("level")
/// true
/// >>> is_palindrome("seidr")
/// false
bool is_palindrome(const std::string& word) {
    return std::string(word.rbegin(), word.rend()) == word;
}

/// The word with its first letter in upper case.
/// >>> capitalize("norse")
/// std::string("Norse")
/// >>> capitalize("odin")
/// std::string("Odin")
std::string capitalize(std::string word) {
    for (char& c : word) c = std::toupper(c);  // upper-cases every letter, not just the first
    return word;
}

/// How many times `letter` occurs in `word`.
/// >>> count_letter("banana", 'a')
/// 3
/// >>> count_letter("sky", 'a')
/// 0
int count_letter(const std::string& word, char letter) {
    // TODO
}
