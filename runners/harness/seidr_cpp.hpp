// seidr's C++ harness helpers. A program's run writes the value of its one example to the report file; the
// runner compares it with the expected value, which a separate build renders and the program never sees.
namespace seidr_harness {
static FILE* report_file = nullptr;
// set when a value's text does not tell it apart from every other value of its type
static bool lossy = false;

inline void begin() {
    const char* r = std::getenv("SEIDR_REPORT");
    report_file = r ? std::fopen(r, "w") : nullptr;
    unsetenv("SEIDR_REPORT");
}

inline std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else if (c == '\\') out += "\\\\";
        else out += c;
    }
    return out;
}

inline void report(int index, const char* status, const std::string& actual) {
    std::fflush(stdout);
    std::cout.flush();
    if (!report_file) return;
    std::fprintf(report_file, "%d\t%s\t%s\n", index, status, escape(actual).c_str());
    std::fflush(report_file);
}

// an example's run ends here: destructors of the program's statics never run after its report
[[noreturn]] inline void finish() {
    std::fflush(stdout);
    std::cout.flush();
    std::_Exit(0);
}

template <class T, class = void> struct streamable : std::false_type {};
template <class T>
struct streamable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<const T&>())>>
    : std::true_type {};
template <class T, class = void> struct iterable : std::false_type {};
template <class T>
struct iterable<T, std::void_t<decltype(std::begin(std::declval<const T&>())), decltype(std::end(std::declval<const T&>()))>>
    : std::true_type {};
template <class T, class = void> struct hashed : std::false_type {};
template <class T> struct hashed<T, std::void_t<typename T::hasher>> : std::true_type {};
template <class T, class = void> struct keyed : std::false_type {};
template <class T> struct keyed<T, std::void_t<typename T::mapped_type>> : std::true_type {};
template <class T> struct is_pair : std::false_type {};
template <class A, class B> struct is_pair<std::pair<A, B>> : std::true_type {};
template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};

inline std::string in_quotes(std::string_view s, char quote) {
    std::string out(1, quote);
    for (char c : s) {
        if (c == quote || c == '\\') out += '\\';
        out += c;
    }
    return out + quote;
}

template <class T> std::string show(const T& value);

template <class T> std::string show_range(const T& values) {
    std::string out = "{";
    bool first = true;
    for (const auto& v : values) {
        if (!first) out += ", ";
        if constexpr (keyed<T>::value) out += seidr_harness::show(v.first) + ": " + seidr_harness::show(v.second);
        else out += seidr_harness::show(v);
        first = false;
    }
    return out + "}";
}

// one text per value: strings and characters quoted whatever their type, numbers with every digit, containers
// element by element; an unordered container or a value without operator<< is marked lossy
template <class T> std::string show(const T& value) {
    using D = std::decay_t<T>;
    if constexpr (std::is_same_v<D, std::string> || std::is_same_v<D, std::string_view>) {
        return seidr_harness::in_quotes(value, '"');
    } else if constexpr (std::is_same_v<D, const char*> || std::is_same_v<D, char*>) {
        return value ? seidr_harness::in_quotes(value, '"') : "nullptr";
    } else if constexpr (std::is_array_v<T> && std::is_same_v<std::remove_cv_t<std::remove_extent_t<T>>, char>) {
        return seidr_harness::in_quotes(std::string_view(value), '"');
    } else if constexpr (std::is_same_v<D, char>) {
        return seidr_harness::in_quotes(std::string_view(&value, 1), '\'');
    } else if constexpr (std::is_same_v<D, bool>) {
        return value ? "true" : "false";
    } else if constexpr (std::is_floating_point_v<D>) {
        std::ostringstream out;
        out << std::setprecision(std::numeric_limits<D>::max_digits10) << value;
        return out.str();
    } else if constexpr (std::is_arithmetic_v<D>) {
        return std::to_string(+value);
    } else if constexpr (is_pair<D>::value) {
        return "{" + seidr_harness::show(value.first) + ", " + seidr_harness::show(value.second) + "}";
    } else if constexpr (is_optional<D>::value) {
        return value ? seidr_harness::show(*value) : "nullopt";
    } else if constexpr (iterable<D>::value) {
        if constexpr (hashed<D>::value) lossy = true;  // the order of its elements is no part of its value
        return seidr_harness::show_range(value);
    } else if constexpr (streamable<D>::value) {
        std::ostringstream out;
        out << std::setprecision(17) << value;
        return out.str();
    } else {
        lossy = true;
        return "not printable";
    }
}

// the program's side: the value it computed, never a verdict
template <class A> void value_case(int index, A actual) {
    try {
        auto value = actual();
        report(index, "value", seidr_harness::show(value));
    } catch (const std::exception& e) {
        report(index, "raised", e.what());
    } catch (...) {
        report(index, "raised", "a non-standard exception");
    }
    finish();
}

// for an expected value only the program's own code can build: compared with == in the program's process
template <class A, class E> void expr_case(int index, A actual, E expected) {
    try {
        auto value = actual();
        bool ok = (value == expected());
        report(index, ok ? "ok" : "fail", seidr_harness::show(value));
    } catch (const std::exception& e) {
        report(index, "raised", e.what());
    } catch (...) {
        report(index, "raised", "a non-standard exception");
    }
    finish();
}

// the expected values' build (standard library only): each value's text
template <class E> void expected_case(int index, E expected) {
    try {
        lossy = false;
        auto value = expected();
        std::string text = seidr_harness::show(value);
        report(index, lossy ? "lossy" : "value", text);
    } catch (...) {
        report(index, "raised", "");
    }
}
}  // namespace seidr_harness
