package dev.camelassistant.llm;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Citations as links (at most one per sentence) and the Sources list, from the documented content blocks. */
class CitedTextTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String search(String url, String title) {
        return "{'type':'web_search_result_location','url':'" + url + "','title':'" + title
               + "','encrypted_index':'Eo8B','cited_text':'...'}";
    }

    @Test
    void aCitedBlockBecomesALinkAndTheTextAroundItStaysAsWritten() {
        JsonNode content = json("[{'type':'text','text':'I will look that up.'},"
                + "{'type':'server_tool_use','id':'srvtoolu_1','name':'web_search','input':{'query':'shannon'}},"
                + "{'type':'web_search_tool_result','tool_use_id':'srvtoolu_1','content':[]},"
                + "{'type':'text','text':'Here is what I found. '},"
                + "{'type':'text','text':'Claude Shannon was born in 1916','citations':[" + search("https://en.wikipedia.org/wiki/Claude_Shannon", "Claude Shannon - Wikipedia") + "]},"
                + "{'type':'text','text':' and worked at '},"
                + "{'type':'text','text':'Bell Labs','citations':[" + search("https://bell-labs.com/about", "About") + "]},"
                + "{'type':'text','text':'. He founded information theory.'}]");
        CitedText.Rendered r = CitedText.render(content, List.of());
        assertThat(r.text()).isEqualTo("I will look that up.\n\nHere is what I found. "
                + "[Claude Shannon was born in 1916](https://en.wikipedia.org/wiki/Claude_Shannon) and worked at Bell Labs."
                + " He founded information theory.");
        // both pages are sources, even the one whose link the sentence's first link kept out
        assertThat(r.sources()).containsExactly(
                new CitedText.Source("Claude Shannon - Wikipedia", "https://en.wikipedia.org/wiki/Claude_Shannon"),
                new CitedText.Source("About", "https://bell-labs.com/about"));
    }

    @Test
    void theNextSentenceMayHaveItsOwnLink() {
        JsonNode content = json("[{'type':'text','text':'It rained.','citations':[" + search("https://a.example/1", "A") + "]},"
                + "{'type':'text','text':' '},"
                + "{'type':'text','text':'It was cold','citations':[" + search("https://b.example/2", "B") + "]},"
                + "{'type':'text','text':', says '},"
                + "{'type':'text','text':'another page','citations':[" + search("https://a.example/1", "A") + "]},"
                + "{'type':'text','text':'.'}]");
        CitedText.Rendered r = CitedText.render(content, List.of());
        assertThat(r.text()).isEqualTo("[It rained.](https://a.example/1) [It was cold](https://b.example/2), says another page.");
        assertThat(r.sources()).extracting(CitedText.Source::url).containsExactly("https://a.example/1", "https://b.example/2");
    }

    @Test
    void aFetchedPagesCitationFindsItsUrlByTheDocumentsTitle() {
        JsonNode earlier = json("[{'type':'server_tool_use','id':'srvtoolu_2','name':'web_fetch','input':{'url':'https://example.com/post'}},"
                + "{'type':'web_fetch_tool_result','tool_use_id':'srvtoolu_2','content':{'type':'web_fetch_result',"
                + "'url':'https://example.com/post','content':{'type':'document','title':'A Post','source':{'type':'text',"
                + "'media_type':'text/plain','data':'...'}},'retrieved_at':'2026-12-05T10:00:00Z'}}]");
        JsonNode content = json("[{'type':'text','text':'The post says [yes] (maybe)','citations':[{'type':'char_location',"
                + "'document_index':0,'document_title':'A Post','start_char_index':0,'end_char_index':3,'cited_text':'yes'}]},"
                + "{'type':'text','text':'.'}]");
        CitedText.Rendered r = CitedText.render(content, List.of(earlier));
        assertThat(r.text()).isEqualTo("[The post says \\[yes\\] (maybe)](https://example.com/post).");
        assertThat(r.sources()).containsExactly(new CitedText.Source("A Post", "https://example.com/post"));
        // the control: without the earlier round's fetch the citation has no url, and nothing is linked
        CitedText.Rendered alone = CitedText.render(content, List.of());
        assertThat(alone.text()).isEqualTo("The post says [yes] (maybe).");
        assertThat(alone.sources()).isEmpty();
    }

    @Test
    void onlyWebUrlsAreLinkedAndTextWithoutCitationsIsJoinedAsBefore() {
        JsonNode content = json("[{'type':'text','text':'One'},{'type':'text','text':' two','citations':["
                + search("javascript:alert(1)", "x") + "]},{'type':'tool_use','id':'t','name':'n','input':{}},"
                + "{'type':'text','text':'Three'}]");
        CitedText.Rendered r = CitedText.render(content, List.of());
        assertThat(r.text()).isEqualTo("One two\n\nThree");
        assertThat(r.sources()).isEmpty();
    }

    @Test
    void theSourcesSectionNumbersEachPageWithItsTitleEscaped() {
        assertThat(CitedText.sourcesSection(List.of())).isEmpty();
        assertThat(CitedText.sourcesSection(List.of(new CitedText.Source("*Bold* [title]", "https://a.example/x (1)"),
                new CitedText.Source("b.example", "https://b.example/"))))
                .isEqualTo("Sources:\n1. [\\*Bold\\* \\[title\\]](https://a.example/x%20%281%29)\n2. [b\\.example](https://b.example/)");
        List<CitedText.Source> many = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            many.add(new CitedText.Source("P" + i, "https://p.example/" + i));
        }
        assertThat(CitedText.sourcesSection(many).lines()).hasSize(1 + CitedText.MAX_SOURCES);
    }
}
