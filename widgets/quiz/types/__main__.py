"""``python -m widgets.quiz.types``: write the registered question types into the bank schema."""

from widgets.quiz.types import write_schema

if __name__ == "__main__":
    print(f"wrote the question types into {write_schema().name}")
