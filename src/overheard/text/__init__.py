"""Text analysis: language, sentences, entities, statements, events, places, dates."""
