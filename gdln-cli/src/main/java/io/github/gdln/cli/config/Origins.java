package io.github.gdln.cli.config;

import com.typesafe.config.ConfigOrigin;

/** Short, readable origins of configuration values: {@code file:line}, {@code resource:line} or {@code command line}. */
public final class Origins {
    /** The origin description used for values given on the command line. */
    public static final String COMMAND_LINE = "command line";

    private Origins() {
    }

    /** A short description of where a value came from. */
    public static String describe(ConfigOrigin o) {
        if (o == null) {
            return "";
        }
        String d = o.description();
        if (d.startsWith(COMMAND_LINE)) {
            return COMMAND_LINE;
        }
        String where;
        if (o.filename() != null) {
            where = o.filename();
        } else if (o.resource() != null) {
            where = o.resource();
        } else if (o.url() != null) {
            where = o.url().toString();
        } else {
            int colon = d.lastIndexOf(": ");
            where = colon > 0 ? d.substring(0, colon) : d;
            if (where.startsWith("merge of ")) {
                where = where.substring("merge of ".length());
            }
        }
        return o.lineNumber() > 0 ? where + ":" + o.lineNumber() : where;
    }
}
