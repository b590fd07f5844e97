/**
 * "Why is this mail waiting?" in words: the sentences live in main/console/mail-story.ts, shared
 * with the CLI (`mailfleet queue show`, `mailfleet why`); the views import them from here.
 */
export {
  placeWords,
  type ReplyMeaning,
  recipientStory,
  replyMeaning,
  type StoryRecipient,
} from '../../../../main/console/mail-story';
