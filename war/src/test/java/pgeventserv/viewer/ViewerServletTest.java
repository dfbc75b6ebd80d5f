package pgeventserv.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ViewerServletTest {

    @Test
    void settingsCannotCloseTheScriptElement() {
        assertEquals("\"\\u003c/script\\u003e\"", ViewerServlet.jsonString("</script>"));
    }

    @Test
    void quotesBackslashesAndControlsAreEscaped() {
        assertEquals("\"a\\\"b\\\\c\\u000a\"", ViewerServlet.jsonString("a\"b\\c\n"));
    }
}
