package pgeventserv.fanout.filter;

/** The operators of a filter condition, by the names clients write (DESIGN §13). */
enum Operator {
    EQ("eq"), NEQ("neq"), LT("lt"), LTE("lte"), GT("gt"), GTE("gte"), IN("in"), NIN("nin"), LIKE("like"), IS("is"),
    EX("ex");

    static final String NAMES = "eq, neq, lt, lte, gt, gte, in, nin, like, is, ex";

    final String name;

    Operator(String name) {
        this.name = name;
    }

    /** The operator of that exact (lower-case) name, or null. */
    static Operator named(String name) {
        for (Operator operator : values()) {
            if (operator.name.equals(name)) {
                return operator;
            }
        }
        return null;
    }
}
