package io.tieredmemory.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.image.Image;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.AudioContent;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ChatMessageSerializer;
import dev.langchain4j.data.message.CustomMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.PdfFileContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.message.VideoContent;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Conversations holding every message type and content type LangChain4j 1.19.0 has. */
final class Conversations {
  private Conversations() {}

  /**
   * One conversation of every message type, each with every option it has, made distinct by {@code
   * tag}. Attribute values are strings and booleans, which JSON gives back as the same types.
   */
  static List<ChatMessage> everyType(String tag) {
    String slug = tag.replace(' ', '-');
    String png = Base64.getEncoder().encodeToString(("png " + tag).getBytes());
    String wav = Base64.getEncoder().encodeToString(("wav " + tag).getBytes());
    String pdf = Base64.getEncoder().encodeToString(("%PDF-1.7 " + tag).getBytes());
    Map<String, Object> userAttributes = new LinkedHashMap<>();
    userAttributes.put("channel", "web");
    userAttributes.put("verified", true);
    Map<String, Object> aiAttributes = new LinkedHashMap<>();
    aiAttributes.put("provider", "test");
    Map<String, Object> custom = new LinkedHashMap<>();
    custom.put("kind", "handoff");
    custom.put("to", "agent " + tag);
    custom.put("urgent", false);
    ToolExecutionRequest weather =
        ToolExecutionRequest.builder()
            .id("call-1-" + tag)
            .name("weather")
            .arguments("{\"city\":\"Zürich\",\"days\":3}")
            .build();
    ToolExecutionRequest time =
        ToolExecutionRequest.builder().id("call-2-" + tag).name("time").arguments("{}").build();
    return List.of(
        SystemMessage.from("You are a helpful agent. Conversation " + tag + "."),
        UserMessage.from(
            "Hello from " + tag + " — with ünïcödé, emoji 🚀, \"quotes\" and\nnewlines"),
        UserMessage.from("alice-" + tag, "a named user"),
        UserMessage.builder()
            .name("bob")
            .contents(
                List.of(
                    TextContent.from("what is in these?"),
                    ImageContent.from("https://example.com/" + slug + ".png"),
                    ImageContent.from(png, "image/png", ImageContent.DetailLevel.HIGH),
                    AudioContent.from(wav, "audio/wav"),
                    AudioContent.from("https://example.com/" + slug + ".mp3"),
                    VideoContent.from("https://example.com/" + slug + ".mp4"),
                    PdfFileContent.from(pdf, "application/pdf"),
                    PdfFileContent.from("https://example.com/" + slug + ".pdf")))
            .attributes(userAttributes)
            .build(),
        AiMessage.from("plain answer " + tag),
        AiMessage.builder()
            .text("let me check")
            .thinking("the user wants the weather and the time in " + tag)
            .toolExecutionRequests(List.of(weather, time))
            .attributes(aiAttributes)
            .build(),
        AiMessage.from(weather),
        ToolExecutionResultMessage.from(weather, "sunny, 21°C in " + tag),
        ToolExecutionResultMessage.from("call-2-" + tag, "time", "12:00"),
        ToolExecutionResultMessage.builder()
            .id("call-3-" + tag)
            .toolName("chart")
            .contents(
                List.of(
                    TextContent.from("the chart failed halfway"),
                    ImageContent.from(
                        Image.builder()
                            .base64Data(png)
                            .mimeType("image/png")
                            .revisedPrompt("a chart of " + tag)
                            .build())))
            .isError(true)
            .attributes(Map.of("retryable", true))
            .build(),
        CustomMessage.from(custom),
        AiMessage.from("done " + tag));
  }

  /** LangChain4j's own JSON of {@code messages}. */
  static String json(List<ChatMessage> messages) {
    return ChatMessageSerializer.messagesToJson(messages);
  }
}
