// An inquirer stand-in that answers questions from a script, the way create-wattpm's
// PLT_USER_INPUT_HANDLER does: `when` is honoured, unanswered questions take their default.

interface Question {
  name: string
  default?: unknown
  when?: (answers: Record<string, unknown>) => boolean
}

export function scriptedInquirer (script: Record<string, unknown>) {
  const asked: string[] = []
  return {
    asked,
    async prompt (questions: Question[]): Promise<Record<string, unknown>> {
      const answers: Record<string, unknown> = {}
      for (const question of questions) {
        if (question.when !== undefined && !question.when(answers)) continue
        asked.push(question.name)
        answers[question.name] = question.name in script ? script[question.name] : question.default
      }
      return answers
    }
  }
}
