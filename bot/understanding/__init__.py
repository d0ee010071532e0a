"""Understanding what a member's message means: one step, run once per message.

    model = current.model_for(session)       # this process's model, fresh within seconds
    understood = model.understand(text)      # Understanding(kind, key, confidence, alternatives, ...)

The parts, each with one job: `normalise` folds what people type into one form; `phrases` and
`conversation_phrases` are the words of each intent, a person, the stores and small talk;
`phrase_matcher` finds them in a message (typos and homophones too); `concepts` are the things
customers name, with synonyms and examples in both languages; `features` turns a message into what
the `classifier` learns from the labelled `examples` (the files of examples/, the shop's catalog, and
what staff labelled); `routing` holds the shop's answers' matcher and the small-talk and person
finders; `step` weighs it all into one `Understanding`; `current` keeps one model per process.
Nothing here knows LINE or Flask.
"""
from .step import Understanding, Understander, language_of  # noqa: F401
