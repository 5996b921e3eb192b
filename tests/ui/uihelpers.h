#pragma once

// Answers the modal message boxes a pane opens (QMessageBox::question runs its own event loop): a timer finds the
// box once it is the active modal widget, records its text and clicks the chosen button with the mouse.

#include <memory>

#include <QAbstractButton>
#include <QApplication>
#include <QMessageBox>
#include <QPointer>
#include <QTest>
#include <QTimer>

namespace Maskline::Testing {

struct MessageBoxAnswer
{
    QString text;
    bool answered = false;
};

inline std::shared_ptr<MessageBoxAnswer> answerNextMessageBox(QMessageBox::StandardButton button)
{
    auto answer = std::make_shared<MessageBoxAnswer>();
    auto *timer = new QTimer(qApp);
    timer->setInterval(20);
    auto deadline = std::make_shared<int>(500); // 10 s
    QObject::connect(timer, &QTimer::timeout, timer, [timer, answer, button, deadline]() {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (box && box->isVisible() && box->button(button)) {
            answer->text = box->text();
            answer->answered = true;
            QTest::mouseClick(box->button(button), Qt::LeftButton);
            timer->deleteLater();
            return;
        }
        if (--*deadline <= 0) {
            timer->deleteLater();
        }
    });
    timer->start();
    return answer;
}

} // namespace Maskline::Testing
